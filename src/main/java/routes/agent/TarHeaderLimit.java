package routes.agent;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The decompressed tar stream, with a bound on what the tar reader takes to find the next entry: its headers.
 * GNU long-name and long-link entries and PAX records are read whole into memory by the tar reader, and gzip
 * makes a gigabyte of them a few megabytes: without this bound one entry's name or link target could take the
 * heap. Entry data is not counted here but by {@link UnpackBudget}.
 */
final class TarHeaderLimit extends FilterInputStream {

    /** Most header bytes one entry may take: names and link targets of up to 4 KB fit many times over. */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private boolean counting;
    private long left;

    TarHeaderLimit(InputStream decompressed) {
        super(decompressed);
    }

    /**
     * The next entry, its headers read within the limit. The current entry's data must have been read to its
     * end (through the budget) before: what the tar reader skips of it would count as header.
     */
    TarArchiveEntry next(TarArchiveInputStream tar) throws IOException {
        counting = true;
        left = MAX_HEADER_BYTES;
        try {
            return tar.getNextEntry();
        } finally {
            counting = false;
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        count(Math.max(0, n));
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    private void count(long n) {
        if (counting && (left -= n) < 0) {
            throw new ArtifactRejected("an entry's tar headers take more than " + MAX_HEADER_BYTES + " bytes (a long"
                    + " name, link target or PAX records); names and link targets must be at most "
                    + UnpackBudget.MAX_LINK_TARGET + " bytes");
        }
    }
}
