package routes.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Owner-only modes for what Caravan keeps on disk. The data directory holds every task's environment (in H2
 * and in Redis's append-only file) and the admin token, so no other local user may read it: directories 700,
 * files 600 (700 for executables in code versions), whatever the umask of whoever started Caravan.
 */
public final class OwnerOnly {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly() {
    }

    /** Creates {@code dir} and its missing parents as 700; an existing directory keeps its mode. */
    public static Path createDirectories(Path dir) throws IOException {
        if (!POSIX) {
            return Files.createDirectories(dir);
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(DIRECTORY);
        return Files.createDirectories(dir, mode);
    }

    /** Creates {@code dir} as 700, or makes an existing one 700. */
    public static void directory(Path dir) throws IOException {
        createDirectories(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, DIRECTORY);
        }
    }

    /**
     * Takes every group and other permission off the directories and regular files under {@code root} (itself
     * included). Links are neither followed nor changed (chmod would change what they point to). Entries of
     * another owner cannot be changed and are left as they are.
     *
     * @return how many entries were changed, and how many could not be
     */
    public static Tightened tighten(Path root) throws IOException {
        int[] counts = new int[2];
        if (!POSIX || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return new Tightened(0, 0);
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                // before descending: once a directory is 700, only its owner can swap what is inside
                strip(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    strip(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // gone meanwhile (a temp file), or unreadable (another owner's): nothing to do here
                return FileVisitResult.CONTINUE;
            }

            private void strip(Path path) {
                try {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                    if (mode.removeAll(GROUP_AND_OTHERS)) {
                        Files.setPosixFilePermissions(path, mode);
                        counts[0]++;
                    }
                } catch (NoSuchFileException e) {
                    // deleted while we walked
                } catch (IOException e) {
                    counts[1]++;
                }
            }
        });
        return new Tightened(counts[0], counts[1]);
    }

    /** What {@link #tighten} did: entries made owner-only, entries it could not change (another owner's). */
    public record Tightened(int changed, int refused) {
    }
}
