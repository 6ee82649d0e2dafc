package routes.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The bearer token with every right. Compared in constant time.
 *
 * @param file where it was read from or generated into; null when it came from configuration
 */
public record AdminToken(String value, Path file) {

    public AdminToken {
        if (value == null || value.length() < 16) {
            throw new IllegalArgumentException("caravan.security.admin-token must be at least 16 characters");
        }
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AdminToken[" + (file == null ? "from configuration" : file) + "]";
    }
}
