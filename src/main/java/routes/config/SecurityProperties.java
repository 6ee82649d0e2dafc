package routes.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param adminToken     the bearer token with every right; standalone generates one when empty, control refuses to start
 * @param maxRequestSize larger request bodies are refused with 413
 */
@ConfigurationProperties("caravan.security")
public record SecurityProperties(String adminToken, DataSize maxRequestSize) {
}
