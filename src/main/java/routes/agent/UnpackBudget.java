package routes.agent;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * What unpacking one archive may still read: bytes and entries, so a small archive cannot fill the disk or the
 * heap (a "bomb"). Sizes an archive declares are not trusted: every entry's data, file content and link target
 * alike, is read through {@link #limit} and counted as it is read.
 */
final class UnpackBudget {

    /** Most entries one archive may hold. */
    static final int MAX_ENTRIES = 200_000;
    /** Longest link target, in bytes: the kernel's PATH_MAX. */
    static final int MAX_LINK_TARGET = 4096;

    private final long maxBytes;
    private long bytesLeft;
    private int entriesLeft = MAX_ENTRIES;

    UnpackBudget(long maxBytes) {
        this.maxBytes = maxBytes;
        this.bytesLeft = maxBytes;
    }

    void entry(String name) {
        if (--entriesLeft < 0) {
            throw new ArtifactRejected("the archive has more than " + MAX_ENTRIES + " entries (at '" + name + "')");
        }
    }

    /** The entry's data, which fails once the archive as a whole unpacks to more than the budget. */
    InputStream limit(InputStream data, String name) {
        return new FilterInputStream(data) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1, name);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(Math.max(0, n), name);
                return n;
            }

            @Override
            public void close() {
                // the archive's own stream stays open for the next entry
            }
        };
    }

    /** Reads the rest of an entry's data, counted, to nowhere: data a link or directory has no use for. */
    void skip(InputStream data, String name) throws IOException {
        limit(data, name).transferTo(OutputStream.nullOutputStream());
    }

    /**
     * A link target stored as the entry's data (zip): at most {@link #MAX_LINK_TARGET} bytes are read, whatever
     * the entry declares, so a target that inflates to gigabytes costs 4 KB.
     */
    String linkTarget(InputStream data, String name, Charset charset) throws IOException {
        byte[] target = limit(data, name).readNBytes(MAX_LINK_TARGET + 1);
        checkLinkTarget(name, target.length);
        return new String(target, charset);
    }

    /** A link target stored in the entry's header (tar), already read within the header limit: counted too. */
    String linkTarget(String target, String name) {
        int length = target == null ? 0 : target.getBytes(StandardCharsets.UTF_8).length;
        checkLinkTarget(name, length);
        count(length, name);
        return target;
    }

    private static void checkLinkTarget(String name, int length) {
        if (length > MAX_LINK_TARGET) {
            throw new ArtifactRejected("link '" + name + "' has a target longer than " + MAX_LINK_TARGET
                    + " bytes, which no file system takes; this archive is damaged or hostile");
        }
    }

    private void count(long n, String name) {
        bytesLeft -= n;
        if (bytesLeft < 0) {
            throw new ArtifactRejected("the archive unpacks to more than " + maxBytes + " bytes (at '" + name
                    + "'); raise caravan.agent.max-unpacked-size if it is meant to");
        }
    }
}
