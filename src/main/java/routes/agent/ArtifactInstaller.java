package routes.agent;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.message.CodeVersion;
import routes.message.UrlCredentials;

/**
 * Installs one version of a project's code on this agent: downloads the archive, checks its SHA-256, unpacks it
 * beside its final place and makes it visible with one atomic rename. So {@code versionsDir/project/version}
 * either holds the whole archive or does not exist, and a task never sees half an install.
 * <p>
 * The archive comes over the network, so nothing in it is trusted: a body over {@code maxBytes}, more unpacked
 * data than {@code maxUnpackedBytes} (sizes the archive declares are not believed: data is counted as it is read,
 * see {@link UnpackBudget}), entries that would land outside the version directory, links that lead out of it,
 * writes through links and device files are all refused with {@link ArtifactRejected}, and whatever was written
 * so far is deleted. Its messages say what is wrong in an operator's words, and never show credentials.
 */
public class ArtifactInstaller {

    private static final Logger log = LoggerFactory.getLogger(ArtifactInstaller.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    /** More hops than this while following links is a loop, or a chain too long to be worth trusting. */
    private static final int MAX_LINK_HOPS = 40;
    // Unix file type bits, as zip tools store them in the upper half of the external attributes.
    private static final int TYPE_MASK = 0170000;
    private static final int TYPE_FILE = 0100000;
    private static final int TYPE_DIRECTORY = 0040000;

    private enum Format { ZIP, TAR_GZ }

    private record Download(long bytes, String sha256) {
    }

    private final Path versionsDir;
    private final Path downloads;
    private final Supplier<HttpClient> http;
    private final long maxBytes;
    private final long maxUnpackedBytes;
    private final Duration timeout;

    public ArtifactInstaller(Path versionsDir, HttpClient http, long maxBytes, long maxUnpackedBytes,
                             Duration timeout) {
        this(versionsDir, supplied(Objects.requireNonNull(http, "http")), maxBytes, maxUnpackedBytes, timeout);
    }

    /** With the HTTP client asked for at each download (an agent makes its client, and its thread, at the first). */
    public ArtifactInstaller(Path versionsDir, Supplier<HttpClient> http, long maxBytes, long maxUnpackedBytes,
                             Duration timeout) {
        this.maxUnpackedBytes = maxUnpackedBytes;
        this.versionsDir = Objects.requireNonNull(versionsDir, "versionsDir");
        this.downloads = versionsDir.resolve(".downloads");
        this.http = Objects.requireNonNull(http, "http");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    private static Supplier<HttpClient> supplied(HttpClient http) {
        return () -> http;
    }

    /** Deletes what an install cut short by a crash left: downloads and half-unpacked versions. */
    public void removeLeftovers() throws IOException {
        deleteTree(downloads);
        if (!Files.isDirectory(versionsDir)) {
            return;
        }
        try (var projects = Files.newDirectoryStream(versionsDir, Files::isDirectory)) {
            for (Path project : projects) {
                try (var partials = Files.newDirectoryStream(project, ".*.partial")) {
                    partials.forEach(ArtifactInstaller::deleteTree);
                }
            }
        }
    }

    /**
     * Makes sure {@code versionsDir/project/version} holds the archive at {@code url}, whose SHA-256 must be
     * {@code sha256}. A version already there is returned as it is, without a request.
     *
     * @return the installed directory, {@code versionsDir/project/version}
     * @throws ArtifactRejected when anything is wrong; then nothing is left at that directory
     */
    public Path install(String project, String version, URI url, String sha256) {
        checkName("project", project);
        checkName("version", version);
        String expected = checkDigest(sha256);
        checkUrl(url);
        Path target = versionsDir.resolve(project).resolve(version);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path file = null;
        Path partial = null;
        try {
            Files.createDirectories(downloads);
            file = Files.createTempFile(downloads, project + "-" + version + "-", ".download");
            Download download = download(url, file);
            if (!download.sha256().equals(expected)) {
                throw new ArtifactRejected("SHA-256 of " + url + " is " + download.sha256() + ", expected " + expected
                        + ": the artifact changed since its digest was taken, or the digest is wrong");
            }
            Format format = format(file, url);
            Path projectDir = Files.createDirectories(versionsDir.resolve(project));
            partial = Files.createDirectory(projectDir.resolve(
                    "." + version + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".partial"));
            Path root = partial.toRealPath();
            UnpackBudget budget = new UnpackBudget(maxUnpackedBytes);
            if (format == Format.ZIP) {
                unzip(file, root, budget);
            } else {
                untar(file, root, budget);
            }
            checkAllLinks(root);
            if (moveIntoPlace(partial, target)) {
                partial = null;
                log.info("Installed {} {} ({} bytes) in {}", project, version, download.bytes(), target);
            } else {
                log.info("{} {} was installed in {} by another install meanwhile; keeping that one",
                        project, version, target);
            }
            return target;
        } catch (ArtifactRejected e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactRejected("Interrupted while installing " + project + " " + version + " from " + url, e);
        } catch (IOException | RuntimeException e) {
            throw new ArtifactRejected("Could not install " + project + " " + version + " from " + url + ": "
                    + problem(e), e);
        } finally {
            if (file != null) {
                deleteTree(file);
            }
            if (partial != null) {
                deleteTree(partial);
            }
        }
    }

    private static void checkName(String what, String name) {
        if (name == null || !CodeVersion.isName(name)) {
            throw new ArtifactRejected(what + " must be 1 to 64 letters, digits, '.', '_' or '-', not starting with"
                    + " '.'; got " + (name == null ? "none" : "'" + name + "'"));
        }
    }

    /** The digest in lower case, as {@link HexFormat} writes it. */
    private static String checkDigest(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new ArtifactRejected("sha256 must be 64 hex digits, got "
                    + (sha256 == null ? "none" : "'" + sha256 + "'"));
        }
        return sha256.toLowerCase(Locale.ROOT);
    }

    private static void checkUrl(URI url) {
        if (url != null && url.getRawUserInfo() != null) {
            throw new ArtifactRejected("url " + UrlCredentials.hide(url.toString()) + " carries a user name or "
                    + "password, which would show in logs and errors: register the version again with a URL that "
                    + "needs none (POST /api/versions refuses them)");
        }
        String scheme = url == null ? null : url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || url.getHost() == null) {
            throw new ArtifactRejected("url must be an absolute http or https URL with a host, got " + url);
        }
    }

    /**
     * What went wrong, in words: the messages of network and file errors, without the exception class names
     * that their toString adds (and that some, a refused connection, give instead of a message).
     */
    static String problem(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
        if (e instanceof HttpConnectTimeoutException) {
            return "connecting timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "the server stopped answering (caravan.agent.download-timeout)";
        }
        if (e instanceof ConnectException) {
            return "could not connect" + (message == null ? "" : " (" + message + ")");
        }
        if (e instanceof UnknownHostException) {
            return "unknown host" + (message == null ? "" : " " + message);
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + message;
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + message;
        }
        if (message == null && e.getCause() != null) {
            return problem(e.getCause());
        }
        return message == null ? "an unexplained " + (e instanceof IOException ? "input/output" : "internal")
                + " error" : message;
    }

    /** Streams the body into {@code file}, hashing as it goes, and stops as soon as it passes the size limit. */
    private Download download(URI url, Path file) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = http.get().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new ArtifactRejected("GET " + url + " answered HTTP " + response.statusCode()
                        + ", expected 200: check that the URL is right and the artifact is published there");
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw tooLarge(url, declared + " bytes");
            }
            MessageDigest sha = sha256();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int n; (n = body.read(buffer)) != -1; ) {
                    total += n;
                    if (total > maxBytes) {
                        throw tooLarge(url, "more than that");
                    }
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            return new Download(total, HexFormat.of().formatHex(sha.digest()));
        }
    }

    private ArtifactRejected tooLarge(URI url, String size) {
        return new ArtifactRejected(url + " is larger than the limit of " + maxBytes + " bytes (" + size
                + "): publish a smaller archive, or raise the artifact size limit");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The archive format, told by the first bytes: a URL's file name can say anything. */
    private static Format format(Path file, URI url) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
            return Format.ZIP;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Format.TAR_GZ;
        }
        throw new ArtifactRejected(url + " is not a zip or tar.gz archive (it starts with bytes "
                + HexFormat.ofDelimiter(" ").formatHex(head, 0, n) + "): publish it as .zip or .tar.gz");
    }

    private void unzip(Path archive, Path root, UnpackBudget budget) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            Charset names = Charset.forName(zip.getEncoding());
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                String name = entry.getName();
                budget.entry(name);
                int type = entry.getUnixMode() & TYPE_MASK;
                if (entry.isUnixSymlink()) {
                    // the target is the entry's data, inflated as it is read: its declared size means nothing
                    try (InputStream data = readable(zip, entry)) {
                        symlink(root, name, budget.linkTarget(data, name, names));
                    }
                } else if (type != 0 && type != TYPE_FILE && type != TYPE_DIRECTORY) {
                    throw special(name);
                } else if (entry.isDirectory() || type == TYPE_DIRECTORY) {
                    directory(root, place(root, name), name);
                } else {
                    try (InputStream data = readable(zip, entry)) {
                        file(root, name, budget.limit(data, name), entry.getUnixMode());
                    }
                }
            }
        }
    }

    private static InputStream readable(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        if (!zip.canReadEntryData(entry)) {
            throw new ArtifactRejected("entry '" + entry.getName() + "' is encrypted or uses a compression "
                    + "method that cannot be read; repack the archive with plain deflate");
        }
        return zip.getInputStream(entry);
    }

    private void untar(Path archive, Path root, UnpackBudget budget) throws IOException {
        try (InputStream raw = Files.newInputStream(archive);
             TarHeaderLimit headers = new TarHeaderLimit(new GzipCompressorInputStream(new BufferedInputStream(raw)));
             TarArchiveInputStream tar = new TarArchiveInputStream(headers)) {
            for (TarArchiveEntry entry; (entry = headers.next(tar)) != null; ) {
                String name = entry.getName();
                budget.entry(name);
                // Symlinks and devices also count as isFile(), so the order of these tests matters.
                if (entry.isSymbolicLink()) {
                    symlink(root, name, budget.linkTarget(entry.getLinkName(), name));
                } else if (entry.isLink()) {
                    hardLink(root, name, budget.linkTarget(entry.getLinkName(), name));
                } else if (entry.isDirectory()) {
                    directory(root, place(root, name), name);
                } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO() || !entry.isFile()) {
                    throw special(name);
                } else if (!tar.canReadEntryData(entry)) {
                    throw new ArtifactRejected("entry '" + name + "' is stored in a form that cannot be read "
                            + "(an old sparse format?); repack the archive with a current tar");
                } else {
                    file(root, name, budget.limit(tar, name), entry.getMode());
                }
                // whatever data a link or directory carries is read and counted too, not skipped unseen
                budget.skip(tar, name);
            }
        }
    }

    private static ArtifactRejected special(String name) {
        return new ArtifactRejected("entry '" + name + "' is a device, FIFO or other special file; only files, "
                + "directories and links are unpacked");
    }

    /** Where entry {@code name} goes inside {@code root}; refuses names that are absolute or climb out. */
    private static Path place(Path root, String name) {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw new ArtifactRejected("entry '" + name + "' has a name that is not a valid path: " + e.getMessage());
        }
        if (name.isEmpty() || relative.isAbsolute()) {
            throw new ArtifactRejected("entry '" + name + "' has an absolute or empty name; archive entries must "
                    + "be relative to the archive's root");
        }
        Path place = root.resolve(relative).normalize();
        if (!place.startsWith(root)) {
            throw new ArtifactRejected("entry '" + name + "' would land outside the version directory");
        }
        return place;
    }

    /**
     * Creates {@code dir} and its missing parents below {@code root}. Never goes through a symlink: a link the
     * archive made earlier could lead anywhere by now, so writing through one is refused, not followed.
     */
    private static void directory(Path root, Path dir, String name) throws IOException {
        Path at = root;
        for (Path part : root.relativize(dir)) {
            if (part.toString().isEmpty()) {
                continue;
            }
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                throw new ArtifactRejected("entry '" + name + "' goes through the symlink '" + root.relativize(at)
                        + "'; archives must not write through links");
            }
            if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ArtifactRejected("entry '" + name + "' needs '" + root.relativize(at) + "' to be a "
                            + "directory, but an earlier entry made it a file");
                }
                Files.createDirectory(at);
            }
        }
    }

    /** Where file or link {@code name} goes, its directory made and any earlier entry of that name gone. */
    private static Path slot(Path root, String name) throws IOException {
        Path place = place(root, name);
        if (place.equals(root)) {
            throw new ArtifactRejected("entry '" + name + "' names the version directory itself, not a file in it");
        }
        directory(root, place.getParent(), name);
        if (Files.isDirectory(place, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactRejected("entry '" + name + "' is a file, but an earlier entry made it a directory");
        }
        // A later entry of the same name wins, as with tar itself. Deleting a link removes the link only.
        Files.deleteIfExists(place);
        return place;
    }

    private static void file(Path root, String name, InputStream content, int mode) throws IOException {
        Path place = slot(root, name);
        Files.copy(content, place);
        if ((mode & 0111) != 0 && !place.toFile().setExecutable(true, true)) {
            throw new IOException("could not make " + place + " executable");
        }
    }

    private static void symlink(Path root, String name, String target) throws IOException {
        Path link;
        try {
            link = Path.of(target == null ? "" : target);
        } catch (InvalidPathException e) {
            throw new ArtifactRejected("symlink '" + name + "' has a target that is not a valid path: "
                    + e.getMessage());
        }
        if (link.toString().isEmpty() || link.isAbsolute()) {
            throw new ArtifactRejected("symlink '" + name + "' -> '" + target + "' must have a relative target "
                    + "inside the version directory");
        }
        Path place = slot(root, name);
        if (!leadsInside(root, place.getParent(), link)) {
            throw outsideLink(root, place, link);
        }
        Files.createSymbolicLink(place, link);
    }

    private static void hardLink(Path root, String name, String target) throws IOException {
        Path existing = place(root, target == null ? "" : target);
        Path at = root;
        for (Path part : root.relativize(existing)) {
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                throw new ArtifactRejected("hard link '" + name + "' -> '" + target + "' goes through a symlink; "
                        + "it must point to a file unpacked earlier");
            }
        }
        if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactRejected("hard link '" + name + "' -> '" + target + "' must point to a file unpacked "
                    + "earlier inside the version directory");
        }
        Path place = slot(root, name);
        Files.createLink(place, existing);
    }

    /**
     * Whether following {@code target} from directory {@code from} stays inside {@code root}, walked part by part
     * and link by link as the kernel would walk it. Looking at the text alone is not enough: with {@code l -> .},
     * the target {@code l/../x} reads as inside but leads to the root's parent.
     */
    private static boolean leadsInside(Path root, Path from, Path target) throws IOException {
        Deque<Path> parts = new ArrayDeque<>();
        pushFront(parts, target);
        Path at = from;
        int hops = 0;
        while (!parts.isEmpty()) {
            String part = parts.pop().toString();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (at.equals(root)) {
                    return false;
                }
                at = at.getParent();
                continue;
            }
            Path next = at.resolve(part);
            if (Files.isSymbolicLink(next)) {
                Path hop = Files.readSymbolicLink(next);
                if (++hops > MAX_LINK_HOPS || hop.isAbsolute()) {
                    return false;
                }
                pushFront(parts, hop);
            } else {
                at = next;
            }
        }
        return true;
    }

    private static void pushFront(Deque<Path> parts, Path path) {
        for (int i = path.getNameCount() - 1; i >= 0; i--) {
            parts.push(path.getName(i));
        }
    }

    /** Checks every link again once all are made: a later link can change where an earlier one leads. */
    private static void checkAllLinks(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isSymbolicLink()) {
                    Path target = Files.readSymbolicLink(file);
                    if (!leadsInside(root, file.getParent(), target)) {
                        throw outsideLink(root, file, target);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static ArtifactRejected outsideLink(Path root, Path link, Path target) {
        return new ArtifactRejected("symlink '" + root.relativize(link) + "' -> '" + target + "' leads outside the "
                + "version directory (or through more than " + MAX_LINK_HOPS + " links); links must stay inside");
    }

    /** Renames the unpacked directory to its final name; false when another install of this version got there first. */
    private static boolean moveIntoPlace(Path partial, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return false;
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            if (Files.isDirectory(target)) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes a file, or a directory and all in it, without following links out of it. */
    private static void deleteTree(Path path) {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            log.warn("Could not delete {}: {}. Nothing uses it; delete it by hand.", path, e.toString());
        }
    }
}
