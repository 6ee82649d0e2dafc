package routes.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import routes.config.CaravanProperties;
import routes.config.ControlRole;
import routes.config.OwnerOnly;
import routes.config.SecurityProperties;
import routes.domain.Conflict;

/**
 * At the first start, when there is no user, creates the user {@code admin} (admin role). Its password is
 * {@code caravan.security.admin-password} when set; otherwise one is generated into {@code admin-password} in the data
 * directory, readable by its owner only, and the start-up log says where (standalone, the quick start, prints it
 * too). There is never a built-in password.
 */
@Component
@ControlRole
@Order(0)
public class FirstAdmin implements ApplicationRunner {

    public static final String NAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

    private final UserStore users;
    private final SecurityProperties security;
    private final Path file;
    private final boolean standalone;

    public FirstAdmin(UserStore users, SecurityProperties security, CaravanProperties caravan) {
        this.users = users;
        this.security = security;
        this.standalone = caravan.role() == CaravanProperties.Role.STANDALONE;
        this.file = caravan.dataDir().resolve("admin-password").toAbsolutePath();
    }

    /** Where a generated first password is kept. */
    public Path file() {
        return file;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (users.any()) {
            return;
        }
        boolean configured = security.adminPassword() != null && !security.adminPassword().isBlank();
        String password = configured ? security.adminPassword() : generated();
        try {
            users.create(NAME, Role.ADMIN, password);
        } catch (Conflict another) {
            return; // another control node made it first
        }
        if (configured) {
            log.info("Created the user {} with the password from caravan.security.admin-password", NAME);
            return;
        }
        OwnerOnly.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        if (standalone) {
            // the quick start: one person on their own machine, reading this log to log in
            log.info("Created the user {} with the password {} (also in {}, readable by its owner only)", NAME,
                    password, file);
        } else {
            log.info("Created the user {}; its password is in {} (readable by its owner only)", NAME, file);
        }
    }

    private static String generated() {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
