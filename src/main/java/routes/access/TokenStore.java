package routes.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.NotFound;

/**
 * API tokens: each belongs to a user, has a name, a role no higher than the user's, and maybe an expiry; a token of
 * the role worker also names the task types it may serve. Only a
 * SHA-256 of the token is stored; the token itself is shown once, when it is made.
 *
 * <p>Tokens are looked up on every request that carries one, so a lookup is remembered for {@link #REMEMBERED}: a token
 * revoked on another control node, or a user demoted there, still works here for at most that long.
 */
@Component
@ControlRole
public class TokenStore {

    static final Duration REMEMBERED = Duration.ofSeconds(5);
    private static final int REMEMBERED_MAX = 10_000;
    private static final String PREFIX = "cvt_";

    private record Remembered(Optional<Caller> caller, Long expiresAt, long at) {
    }

    private final JdbcClient sql;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    public TokenStore(JdbcClient sql) {
        this.sql = sql;
    }

    public IssuedToken create(NewToken request) {
        String user = request.user();
        String name = request.name();
        Role role = request.role();
        Long expiresAt = request.expiresAt();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        String types = request.types() == null ? null : String.join(",", request.types());
        sql.sql("INSERT INTO api_tokens (id, user_name, name, role, token_hash, created_at, expires_at, types) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, user, name, role.word(), hash(token), now, expiresAt, types).update();
        return new IssuedToken(id, user, name, role.word(), now, expiresAt, token, request.types());
    }

    /** Who a presented token speaks for, with its role capped by its user's current one; empty when it is no token. */
    public Optional<Caller> caller(String presented) {
        if (presented == null || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = hash(presented);
        long now = clock.millis();
        Remembered known = remembered.get(hash);
        if (known == null || now - known.at() > REMEMBERED.toMillis()) {
            known = lookUp(hash, now);
            if (remembered.size() >= REMEMBERED_MAX) {
                remembered.clear();
            }
            remembered.put(hash, known);
        }
        if (known.expiresAt() != null && known.expiresAt() <= now) {
            return Optional.empty();
        }
        return known.caller();
    }

    private Remembered lookUp(String hash, long now) {
        record Row(String id, String user, Role role, Role userRole, Long expiresAt, List<String> types) {
        }
        Optional<Row> row = sql.sql("SELECT t.id, t.user_name, t.role, u.role, t.expires_at, t.types FROM api_tokens t "
                        + "JOIN users u ON u.name = t.user_name WHERE t.token_hash = ?")
                .param(hash)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), Role.of(rs.getString(3)),
                        Role.of(rs.getString(4)), (Long) rs.getObject(5, Long.class), types(rs.getString(6))))
                .optional();
        row.ifPresent(found -> sql.sql("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
                .params(now, found.id()).update());
        // a worker token works while its user may still use the worker protocol (an operator or an admin)
        return new Remembered(row.filter(found -> found.role() != Role.WORKER || found.userRole().covers(Role.WORKER))
                .map(found -> new Caller(found.user(), found.role().atMost(found.userRole()), "token",
                        found.role() == Role.WORKER ? found.types() : null)),
                row.map(Row::expiresAt).orElse(null), now);
    }

    /** The tokens of {@code user}, or everyone's when null; newest first. */
    public List<TokenView> list(String user) {
        return sql.sql("SELECT id, user_name, name, role, created_at, expires_at, last_used_at, types FROM api_tokens"
                        + (user == null ? "" : " WHERE user_name = :user") + " ORDER BY created_at DESC")
                .paramSource(user == null ? Map.of() : Map.of("user", user))
                .query((rs, n) -> new TokenView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), (Long) rs.getObject(6, Long.class), (Long) rs.getObject(7, Long.class),
                        types(rs.getString(8))))
                .list();
    }

    /** Revokes a token of {@code user} (any user's when null). It stops working at once on this node. */
    public void revoke(String id, String user) {
        int removed = sql.sql("DELETE FROM api_tokens WHERE id = ?" + (user == null ? "" : " AND user_name = ?"))
                .params(user == null ? List.of(id) : List.of(id, user)).update();
        if (removed == 0) {
            throw new NotFound("no token " + id + (user == null ? "" : " of yours"));
        }
        remembered.clear();
    }

    private static List<String> types(String stored) {
        return stored == null ? null : List.of(stored.split(","));
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
