package routes.config;

import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param adminToken     the bearer token with every right; standalone generates one when empty, control refuses to start
 * @param maxRequestSize larger request bodies are refused with 413
 * @param allowedOrigins origins ({@code https://host[:port]}) besides the node's own whose pages may send requests
 *                       with the browser's credentials, such as the address a reverse proxy serves Caravan under
 *                       when it does not pass the Host header on; lower-cased, without a trailing slash
 * @param adminPassword  the first admin's password, used only when there is no user yet; empty: one is generated into
 *                       the data directory's {@code admin-password}
 */
@ConfigurationProperties("caravan.security")
public record SecurityProperties(String adminToken, DataSize maxRequestSize, List<String> allowedOrigins,
                                 String adminPassword) {

    public SecurityProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : allowedOrigins.stream().map(SecurityProperties::origin).toList();
    }

    private static String origin(String entry) {
        String origin = entry.trim().toLowerCase(Locale.ROOT).replaceAll("/$", "");
        if (!origin.matches("https?://[a-z0-9.\\-\\[\\]:]+")) {
            throw new IllegalArgumentException("caravan.security.allowed-origins takes origins such as"
                    + " https://caravan.example.com or http://10.0.0.5:8080 (scheme, host, optional port; no path), got: " + entry);
        }
        return origin;
    }
}
