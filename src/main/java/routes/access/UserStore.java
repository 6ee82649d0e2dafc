package routes.access;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.domain.Conflict;
import routes.domain.NotFound;

/** The users table: who may log in, with which role. There is always at least one admin once there is one. */
@Component
@ControlRole
public class UserStore {

    /** A user with what checking a password needs. */
    public record User(String name, Role role, String passwordHash) {
    }

    private final JdbcClient sql;
    private final PasswordEncoder passwords;
    private final Clock clock = Clock.systemUTC();
    /** A hash of no one's password, checked for unknown names so that they take as long as known ones. */
    private final String decoy;

    public UserStore(JdbcClient sql, PasswordEncoder passwords) {
        this.sql = sql;
        this.passwords = passwords;
        this.decoy = passwords.encode(UUID.randomUUID().toString());
    }

    public Optional<User> find(String name) {
        return sql.sql("SELECT name, role, password_hash FROM users WHERE name = ?").param(name)
                .query((rs, n) -> new User(rs.getString(1), Role.of(rs.getString(2)), rs.getString(3))).optional();
    }

    /** Whether {@code password} is the user's; false for an unknown user, after as much work as for a known one. */
    public Optional<User> check(String name, String password) {
        Optional<User> user = find(name);
        if (user.isEmpty()) {
            passwords.matches(password, decoy);
            return Optional.empty();
        }
        return passwords.matches(password, user.get().passwordHash()) ? user : Optional.empty();
    }

    public List<UserView> list() {
        return sql.sql("SELECT name, role, created_at, changed_at FROM users ORDER BY name")
                .query((rs, n) -> new UserView(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4))).list();
    }

    public UserView get(String name) {
        return sql.sql("SELECT name, role, created_at, changed_at FROM users WHERE name = ?").param(name)
                .query((rs, n) -> new UserView(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                .optional().orElseThrow(() -> new NotFound("no user " + name));
    }

    public boolean any() {
        return sql.sql("SELECT COUNT(*) FROM users").query(Long.class).single() > 0;
    }

    public UserView create(NewUser user) {
        return create(user.name(), user.role(), user.password());
    }

    public UserView create(String name, Role role, String password) {
        long now = clock.millis();
        try {
            sql.sql("INSERT INTO users (name, role, password_hash, created_at, changed_at) VALUES (?, ?, ?, ?, ?)")
                    .params(name, role.word(), passwords.encode(password), now, now).update();
        } catch (DuplicateKeyException taken) {
            throw new Conflict("a user named " + name + " exists already");
        }
        return get(name);
    }

    /** Changes the role and/or the password (null: unchanged). The last admin stays an admin. */
    @Transactional
    public UserView update(UserChange change) {
        String name = change.name();
        Role role = change.role();
        String password = change.password();
        User user = find(name).orElseThrow(() -> new NotFound("no user " + name));
        if (role != null && user.role() == Role.ADMIN && role != Role.ADMIN) {
            refuseLosingLastAdmin(name, "made " + role.word());
        }
        sql.sql("UPDATE users SET role = ?, password_hash = ?, changed_at = ? WHERE name = ?")
                .params(role == null ? user.role().word() : role.word(),
                        password == null ? user.passwordHash() : passwords.encode(password), clock.millis(), name)
                .update();
        return get(name);
    }

    /** Removes the user and every token of theirs. The last admin cannot be removed. */
    @Transactional
    public void delete(String name) {
        User user = find(name).orElseThrow(() -> new NotFound("no user " + name));
        if (user.role() == Role.ADMIN) {
            refuseLosingLastAdmin(name, "removed");
        }
        sql.sql("DELETE FROM api_tokens WHERE user_name = ?").param(name).update();
        sql.sql("DELETE FROM users WHERE name = ?").param(name).update();
    }

    private void refuseLosingLastAdmin(String name, String change) {
        long admins = sql.sql("SELECT COUNT(*) FROM users WHERE role = 'admin'").query(Long.class).single();
        if (admins <= 1) {
            throw new Conflict(name + " is the last admin and cannot be " + change + ": make another user admin first");
        }
    }
}
