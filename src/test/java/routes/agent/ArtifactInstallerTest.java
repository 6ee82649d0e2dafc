package routes.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Installing a code version from a real HTTP server: what lands on disk, and that nothing does when the
 * archive, the digest or the download is wrong.
 */
class ArtifactInstallerTest {

    private static final long MAX_BYTES = 1 << 20;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Path versions;
    private ArtifactInstaller installer;
    private HttpServer server;
    private ExecutorService serverThreads;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** Runs while a request is answered: stands in for another install finishing during this one's download. */
    private final Map<String, Runnable> whileAnswering = new ConcurrentHashMap<>();

    private record Answer(int status, byte[] body, boolean chunked) {
    }

    @BeforeEach
    void startServer() throws IOException {
        versions = dir.resolve("versions");
        installer = new ArtifactInstaller(versions, HTTP, MAX_BYTES, 4 * MAX_BYTES, Duration.ofSeconds(10));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::answer);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void answer(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            whileAnswering.getOrDefault(path, () -> { }).run();
            Answer answer = answers.getOrDefault(path, new Answer(404, new byte[0], false));
            long length = answer.chunked() ? 0 : answer.body().length == 0 ? -1 : answer.body().length;
            exchange.sendResponseHeaders(answer.status(), length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (IOException e) {
            // The installer hangs up early when a body passes its size limit.
        }
    }

    private URI serve(String path, byte[] body) {
        answers.put(path, new Answer(200, body, false));
        return url(path);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private int requestsFor(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    @Test
    void aZipInstallsWithItsDirectoriesContentAndExecutableBit() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            zip.putArchiveEntry(new ZipArchiveEntry("bin/"));
            zip.closeArchiveEntry();
            zipFile(zip, "bin/run.sh", "#!/bin/sh\necho hi\n", 0755);
            zipFile(zip, "README.txt", "read me\n", 0644);
            zipFile(zip, "conf/app/settings.properties", "a=1\n", 0);
        }
        byte[] archive = bytes.toByteArray();

        Path installed = installer.install("billing", "1.2.0", serve("/billing-1.2.0.zip", archive), sha256(archive));

        assertThat(installed).isEqualTo(versions.resolve("billing").resolve("1.2.0")).isDirectory();
        assertThat(installed.resolve("bin/run.sh")).hasContent("#!/bin/sh\necho hi");
        assertThat(installed.resolve("README.txt")).hasContent("read me");
        assertThat(installed.resolve("conf/app/settings.properties")).hasContent("a=1");
        assertThat(Files.getPosixFilePermissions(installed.resolve("bin/run.sh")))
                .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(installed.resolve("README.txt")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
        assertNoLeftovers();
    }

    @Test
    void aTarGzInstallsWithExecutablesAndLinksThatStayInside() throws Exception {
        byte[] archive = new TarGz()
                .directory("app/")
                .file("app/bin/run", "#!/bin/sh\nexit 0\n", 0755)
                .file("app/lib/data.txt", "data\n", 0644)
                .symlink("app/bin/data", "../lib/data.txt")
                .hardLink("app/lib/copy.txt", "app/lib/data.txt")
                .bytes();

        Path installed = installer.install("billing", "2.0", serve("/billing.tgz", archive), sha256(archive));

        assertThat(installed.resolve("app/bin/run")).hasContent("#!/bin/sh\nexit 0");
        assertThat(Files.getPosixFilePermissions(installed.resolve("app/bin/run")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(installed.resolve("app/lib/data.txt")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.isSymbolicLink(installed.resolve("app/bin/data"))).isTrue();
        assertThat(Files.readSymbolicLink(installed.resolve("app/bin/data"))).isEqualTo(Path.of("../lib/data.txt"));
        assertThat(installed.resolve("app/bin/data")).hasContent("data");
        assertThat(installed.resolve("app/lib/copy.txt")).hasContent("data");
        assertNoLeftovers();
    }

    @Test
    void aDigestMismatchIsRejectedNamingBothDigestsAndLeavesNothing() throws Exception {
        byte[] archive = zip(Map.of("a.txt", "a"));
        String actual = sha256(archive);
        String expected = sha256("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/a.zip", archive), expected.toUpperCase()))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining(expected)
                .hasMessageContaining(actual);
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aZipEntryClimbingOutIsRejectedAndWritesNothingOutside() throws Exception {
        byte[] archive = zip(Map.of("ok.txt", "fine", "../evil.txt", "evil"));

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/slip.zip", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("../evil.txt");
        assertThat(versions.resolve("billing/evil.txt")).doesNotExist();
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all).noneMatch(p -> p.getFileName().toString().equals("evil.txt"));
        }
        assertNothingInstalled("billing", "1");
    }

    @Test
    void anAbsoluteTarEntryIsRejectedAndNotCreated() throws Exception {
        Path evil = Path.of("/tmp/caravan-evil-" + UUID.randomUUID());
        byte[] archive = new TarGz().file(evil.toString(), "evil", 0644).bytes();

        try {
            assertThatThrownBy(() -> installer.install("billing", "1", serve("/abs.tgz", archive), sha256(archive)))
                    .isInstanceOf(ArtifactRejected.class)
                    .hasMessageContaining(evil.toString());
            assertThat(evil).doesNotExist();
            assertNothingInstalled("billing", "1");
        } finally {
            Files.deleteIfExists(evil);
        }
    }

    @Test
    void aTarSymlinkLeadingOutsideIsRejected() throws Exception {
        byte[] archive = new TarGz().file("a.txt", "a", 0644).symlink("link", "../../outside").bytes();

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/link.tgz", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("link")
                .hasMessageContaining("../../outside");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aSymlinkThatALaterLinkTurnsOutwardIsRejected() throws Exception {
        // Read as text, l/../x stays inside; once l -> . exists it leads to the version directory's parent.
        byte[] archive = new TarGz().symlink("evil", "l/../x").symlink("l", ".").bytes();

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/chain.tgz", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("evil");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void anEntryWrittenThroughALinkIsRejected() throws Exception {
        byte[] archive = new TarGz().directory("real/").symlink("via", "real").file("via/f.txt", "f", 0644).bytes();

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/via.tgz", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("via/f.txt");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aZipSymlinkLeadingOutsideIsRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            zipFile(zip, "link", "../../outside", 0120777);
        }
        byte[] archive = bytes.toByteArray();

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/link.zip", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("../../outside");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aNotFoundDownloadIsRejectedWithTheStatus() {
        assertThatThrownBy(() -> installer.install("billing", "1", url("/missing.zip"), sha256(new byte[0])))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("404")
                .hasMessageContaining("/missing.zip");
        assertThat(requestsFor("/missing.zip")).isEqualTo(1);
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aServerThatIsNotThereIsReportedInWordsWithoutClassNames() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/a.zip");

        assertThatThrownBy(() -> installer.install("billing", "1", url, sha256(new byte[0])))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("could not connect")
                .hasMessageNotContaining("Exception")
                .hasMessageNotContaining("java.");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aBodyOverTheLimitIsRejected() throws Exception {
        ArtifactInstaller small = new ArtifactInstaller(versions, HTTP, 1000, 4000, Duration.ofSeconds(10));
        byte[] archive = zip(Map.of("big.txt", randomText(4_000)));
        assertThat(archive.length).isGreaterThan(1000);

        assertThatThrownBy(() -> small.install("billing", "1", serve("/big.zip", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("1000 bytes");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void anArchiveThatUnpacksToMoreThanTheLimitIsRejected() throws Exception {
        ArtifactInstaller small = new ArtifactInstaller(versions, HTTP, 100_000, 100_000, Duration.ofSeconds(10));
        // a megabyte of one letter compresses to a few kilobytes: a small "bomb"
        byte[] archive = zip(Map.of("bomb.txt", "a".repeat(1_000_000)));
        assertThat(archive.length).isLessThan(100_000);

        assertThatThrownBy(() -> small.install("billing", "1", serve("/bomb.zip", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("unpacks to more than 100000 bytes");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aZipSymlinkThatDeclaresTenBytesButInflatesFarIsRefusedAtTheLinkTargetLimit() throws Exception {
        ArtifactInstaller small = new ArtifactInstaller(versions, HTTP, 100_000, 100_000, Duration.ofSeconds(10));
        // 16 MB of link target compress to a few kilobytes; the central directory says the target is 10 bytes
        byte[] archive = declaredSize(zipSymlinks(Map.of("link", "a".repeat(16 << 20))), 10);
        assertThat(archive.length).isLessThan(100_000);

        assertThatThrownBy(() -> small.install("billing", "1", serve("/bomb.zip", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("link 'link' has a target longer than 4096 bytes")
                .hasMessageNotContaining("Exception");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void symlinkTargetsCountAgainstTheUnpackedSize() throws Exception {
        ArtifactInstaller small = new ArtifactInstaller(versions, HTTP, 100_000, 10_000, Duration.ofSeconds(10));
        Map<String, String> links = new TreeMap<>();
        for (int i = 0; i < 5; i++) {
            links.put("link" + i, "d/".repeat(1_500));
        }
        byte[] archive = zipSymlinks(links);

        assertThatThrownBy(() -> small.install("billing", "1", serve("/links.zip", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("unpacks to more than 10000 bytes");
        assertNothingInstalled("billing", "1");
    }

    static Stream<String> longLinkForms() {
        return Stream.of("gnu", "pax");
    }

    @ParameterizedTest
    @MethodSource("longLinkForms")
    void aTarLinkTargetThatInflatesFarIsRefusedBeforeItIsReadWhole(String form) throws Exception {
        // a GNU long-link entry or a PAX linkpath record: 16 MB of header that gzip makes a few kilobytes
        String target = "a".repeat(16 << 20);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        if (form.equals("gnu")) {
            tarRecord(tar, "././@LongLink", 'K', "", (target + "\0").getBytes(StandardCharsets.UTF_8));
        } else {
            String record = " linkpath=" + target + "\n";
            int length = record.length() + 8; // its own decimal length counts too: 8 digits here
            tarRecord(tar, "PaxHeaders/link", 'x', "", (length + record).getBytes(StandardCharsets.UTF_8));
        }
        tarRecord(tar, "link", '2', "a", new byte[0]);
        tar.write(new byte[1024]);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(gzipped)) {
            tar.writeTo(gzip);
        }
        byte[] archive = gzipped.toByteArray();
        assertThat(archive.length).isLessThan(100_000);

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/bomb.tgz", archive), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("headers take more than " + (1 << 20) + " bytes")
                .hasMessageNotContaining("Exception");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutARequestAndWithoutShowingThem() throws Exception {
        byte[] archive = zip(Map.of("a.txt", "a"));
        serve("/a.zip", archive);
        URI withCredentials = URI.create("http://deploy:s3cret@127.0.0.1:" + server.getAddress().getPort() + "/a.zip");

        assertThatThrownBy(() -> installer.install("billing", "1", withCredentials, sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("user name or password")
                .hasMessageNotContaining("s3cret");
        assertThat(requestsFor("/a.zip")).isZero();
        assertNothingInstalled("billing", "1");
    }

    @Test
    void leftoversOfAnInterruptedInstallAreRemoved() throws Exception {
        Path partial = Files.createDirectories(versions.resolve("billing/.1.abc.partial/bin"));
        Path download = Files.createDirectories(versions.resolve(".downloads")).resolve("billing-1-x.download");
        Files.writeString(download, "half");
        Files.createDirectories(versions.resolve("billing/0.9"));

        installer.removeLeftovers();

        assertThat(partial.getParent()).doesNotExist();
        assertThat(download).doesNotExist();
        assertThat(versions.resolve("billing/0.9")).isDirectory();
    }

    @Test
    void aStreamedBodyOverTheLimitIsRejectedWithoutAContentLength() throws Exception {
        ArtifactInstaller small = new ArtifactInstaller(versions, HTTP, 1000, 4000, Duration.ofSeconds(10));
        byte[] archive = zip(Map.of("big.txt", randomText(200_000)));
        answers.put("/chunked.zip", new Answer(200, archive, true));

        assertThatThrownBy(() -> small.install("billing", "1", url("/chunked.zip"), sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("1000 bytes");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void somethingThatIsNotAnArchiveIsRejected() throws Exception {
        byte[] text = "just some text, not an archive\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> installer.install("billing", "1", serve("/notes.zip", text), sha256(text)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("not a zip or tar.gz archive");
        assertNothingInstalled("billing", "1");
    }

    @Test
    void anInstallThatFinishesSecondKeepsTheFirstOnesDirectory() throws Exception {
        byte[] archive = zip(Map.of("a.txt", "mine"));
        Path target = versions.resolve("billing").resolve("1");
        whileAnswering.put("/race.zip", () -> {
            try {
                Files.writeString(Files.createDirectories(target).resolve("a.txt"), "theirs");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        Path installed = installer.install("billing", "1", serve("/race.zip", archive), sha256(archive));

        assertThat(installed).isEqualTo(target);
        assertThat(target.resolve("a.txt")).hasContent("theirs");
        assertNoLeftovers();
    }

    @Test
    void anInstalledVersionIsReturnedWithoutARequest() throws Exception {
        Path existing = Files.createDirectories(versions.resolve("billing").resolve("1.0"));
        Files.writeString(existing.resolve("kept.txt"), "kept");
        byte[] archive = zip(Map.of("a.txt", "a"));

        Path installed = installer.install("billing", "1.0", serve("/billing-1.0.zip", archive), sha256(archive));

        assertThat(installed).isEqualTo(existing);
        assertThat(existing.resolve("kept.txt")).hasContent("kept");
        assertThat(requestsFor("/billing-1.0.zip")).isZero();
    }

    static Stream<String> badNames() {
        return Stream.of("..", ".", "a/b", "", "has space", "x".repeat(65));
    }

    @ParameterizedTest
    @MethodSource("badNames")
    void aBadProjectOrVersionNameIsRejectedWithoutARequest(String name) throws Exception {
        byte[] archive = zip(Map.of("a.txt", "a"));
        URI url = serve("/a.zip", archive);

        assertThatThrownBy(() -> installer.install(name, "1", url, sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("project");
        assertThatThrownBy(() -> installer.install("billing", name, url, sha256(archive)))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("version");
        assertThat(requestsFor("/a.zip")).isZero();
        assertThat(versions).doesNotExist();
    }

    @Test
    void aMalformedDigestIsRejectedWithoutARequest() throws Exception {
        URI url = serve("/a.zip", zip(Map.of("a.txt", "a")));

        assertThatThrownBy(() -> installer.install("billing", "1", url, "abc123"))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("64 hex digits");
        assertThat(requestsFor("/a.zip")).isZero();
    }

    @Test
    void onlyHttpAndHttpsUrlsAreFetched() throws Exception {
        Path local = Files.write(dir.resolve("local.zip"), zip(Map.of("a.txt", "a")));

        assertThatThrownBy(() -> installer.install("billing", "1", local.toUri(), sha256(Files.readAllBytes(local))))
                .isInstanceOf(ArtifactRejected.class)
                .hasMessageContaining("http or https");
        assertNothingInstalled("billing", "1");
    }

    /** No target, no half-unpacked directory, no download left behind. */
    private void assertNothingInstalled(String project, String version) {
        assertThat(versions.resolve(project).resolve(version)).doesNotExist();
        assertNoLeftovers();
    }

    private void assertNoLeftovers() {
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all).noneMatch(p -> p.getFileName().toString().endsWith(".partial"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Path downloads = versions.resolve(".downloads");
        if (Files.exists(downloads)) {
            try (Stream<Path> left = Files.list(downloads)) {
                assertThat(left).isEmpty();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Text that does not compress, so the archive is about as large as asked. */
    private static String randomText(int bytes) {
        byte[] random = new byte[bytes];
        new Random(42).nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A zip as java.util.zip writes it: any entry name goes, which is what lets a test write a hostile one. */
    private static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * One tar entry written by hand, header and data: a writer of tar (commons-compress's too) refuses or takes
     * minutes over the hostile headers a test needs.
     */
    private static void tarRecord(ByteArrayOutputStream tar, String name, char type, String linkName, byte[] data) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", data.length));
        put(header, 136, "00000000000");
        header[156] = (byte) type;
        put(header, 157, linkName);
        put(header, 257, "ustar");
        put(header, 263, "00");
        put(header, 148, "        ");
        int checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        put(header, 148, String.format("%06o", checksum) + "\0 ");
        tar.writeBytes(header);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] header, int at, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, at, bytes.length);
    }

    /** A zip of Unix symlinks, each entry's data its target, deflated. */
    private static byte[] zipSymlinks(Map<String, String> links) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> link : links.entrySet()) {
                zipFile(zip, link.getKey(), link.getValue(), 0120777);
            }
        }
        return bytes.toByteArray();
    }

    /** The zip with the uncompressed size its central directory declares for every entry set to {@code size}. */
    private static byte[] declaredSize(byte[] zip, int size) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22; // no archive comment
        assertThat(buffer.getInt(end)).isEqualTo(0x06054b50);
        int entries = buffer.getShort(end + 10) & 0xffff;
        int at = buffer.getInt(end + 16);
        for (int i = 0; i < entries; i++) {
            assertThat(buffer.getInt(at)).isEqualTo(0x02014b50);
            buffer.putInt(at + 24, size);
            at += 46 + (buffer.getShort(at + 28) & 0xffff) + (buffer.getShort(at + 30) & 0xffff)
                    + (buffer.getShort(at + 32) & 0xffff);
        }
        return zip;
    }

    private static void zipFile(ZipArchiveOutputStream zip, String name, String content, int unixMode)
            throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        if (unixMode != 0) {
            entry.setUnixMode(unixMode);
        }
        zip.putArchiveEntry(entry);
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
    }

    /** A tar.gz built entry by entry; names are kept as given, absolute ones too. */
    private static final class TarGz {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar;

        TarGz() throws IOException {
            tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        TarGz directory(String name) throws IOException {
            tar.putArchiveEntry(new TarArchiveEntry(name, true));
            tar.closeArchiveEntry();
            return this;
        }

        TarGz file(String name, String content, int mode) throws IOException {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
            return this;
        }

        TarGz symlink(String name, String target) throws IOException {
            return link(name, target, TarConstants.LF_SYMLINK);
        }

        TarGz hardLink(String name, String target) throws IOException {
            return link(name, target, TarConstants.LF_LINK);
        }

        private TarGz link(String name, String target, byte type) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
            entry.setLinkName(target);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            tar.close();
            return bytes.toByteArray();
        }
    }
}
