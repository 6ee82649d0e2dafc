package routes.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What every role shares.
 *
 * @param role     standalone (control + agent + embedded stores), control or agent
 * @param dataDir  where standalone keeps its H2 database, Redis files and generated admin token
 * @param routesDir a directory of YAML routes that add to or replace the built-in ones
 */
@ConfigurationProperties("caravan")
public record CaravanProperties(Role role, Path dataDir, Path routesDir) {

    public enum Role { STANDALONE, CONTROL, AGENT }
}
