package routes.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import routes.config.CaravanProperties;
import routes.config.OwnerOnly;
import routes.config.SecurityProperties;

/**
 * Where the admin token comes from. There is never a built-in default: control needs one configured;
 * standalone, when none is configured, generates one on first start into an owner-only file in the data
 * directory and says where.
 */
@Configuration(proxyBeanMethods = false)
public class AdminTokens {

    private static final Logger log = LoggerFactory.getLogger(AdminTokens.class);

    @Bean
    @Profile("control")
    public AdminToken configuredAdminToken(SecurityProperties security) {
        if (security.adminToken() == null || security.adminToken().isBlank()) {
            throw new IllegalStateException("No admin token: set caravan.security.admin-token "
                    + "(environment: CARAVAN_SECURITY_ADMIN_TOKEN) to a secret of at least 16 characters");
        }
        return new AdminToken(security.adminToken(), null);
    }

    @Bean
    @Profile("standalone")
    public AdminToken standaloneAdminToken(SecurityProperties security, CaravanProperties caravan) throws IOException {
        if (security.adminToken() != null && !security.adminToken().isBlank()) {
            return new AdminToken(security.adminToken(), null);
        }
        Path file = caravan.dataDir().resolve("admin-token").toAbsolutePath();
        OwnerOnly.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
            log.info("Generated an admin token into {} (readable by its owner only)", file);
        } catch (FileAlreadyExistsException e) {
            log.info("Admin token read from {}", file);
        }
        return new AdminToken(Files.readString(file, StandardCharsets.UTF_8).trim(), file);
    }
}
