package routes.access;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import routes.config.ControlRole;

/**
 * How passwords are hashed: Argon2id with Spring Security's current parameters (16 MiB, 2 passes). The stored hash
 * names its encoding ("{argon2@SpringSecurity_v5_8}..."), so a stronger one can be added later and old hashes still
 * check.
 */
@Configuration(proxyBeanMethods = false)
@ControlRole
public class Passwords {

    private static final String ARGON2 = "argon2@SpringSecurity_v5_8";

    @Bean
    public PasswordEncoder passwordEncoder() {
        return new DelegatingPasswordEncoder(ARGON2, Map.of(ARGON2, Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
    }
}
