package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;
import routes.access.AuditLog;
import routes.access.NewToken;
import routes.access.NewUser;
import routes.access.Role;
import routes.access.UserChange;
import routes.access.UserStore;
import routes.config.ControlRole;
import routes.domain.Conflict;

/**
 * Checks requests about users, tokens and the audit trail at the edge: names, roles, password length, and that
 * nobody hands out more than they have (a token's role is at most its user's and its maker's).
 */
@Component
@ControlRole
public class AccessRequests {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    static final int MIN_PASSWORD = 10;
    static final int MAX_PASSWORD = 200;

    private final RequestJson json;
    private final UserStore users;

    public AccessRequests(RequestJson json, UserStore users) {
        this.json = json;
        this.users = users;
    }

    /** Who is calling, as GET /api/session answers. */
    public Map<String, Object> session(@Header(CallerHeaders.NAME) String name, @Header(CallerHeaders.ROLE) String role,
                                       @Header(CallerHeaders.VIA) String via) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        body.put("via", via);
        return body;
    }

    public NewUser newUser(String body) {
        JsonNode node = json.object(body, " such as {\"name\": \"alice\", \"role\": \"operator\", \"password\": \"...\"}");
        RequestJson.onlyFields(node, "", "user", Set.of("name", "role", "password"));
        String name = name(RequestJson.text(node, "", "name", null), "name");
        return new NewUser(name, role(RequestJson.text(node, "", "role", null), true), password(node, true));
    }

    public UserChange userChange(String body, @Header("name") String name) {
        JsonNode node = json.object(body, " such as {\"role\": \"viewer\"} or {\"password\": \"...\"}");
        RequestJson.onlyFields(node, "", "user", Set.of("role", "password"));
        return new UserChange(name, role(RequestJson.text(node, "", "role", null), false), password(node, false));
    }

    /**
     * A token for the caller, or (for an admin) for the user it names, with a role no higher than the user's and the
     * caller's; the admin token, which is no user, must name one.
     */
    public NewToken newToken(String body, @Header(CallerHeaders.NAME) String caller,
                             @Header(CallerHeaders.ROLE) String callerRole, @Header(CallerHeaders.VIA) String via) {
        JsonNode node = json.object(body,
                " such as {\"name\": \"deploy script\", \"role\": \"operator\", \"expiresAt\": \"2027-01-01T00:00:00Z\"}");
        RequestJson.onlyFields(node, "", "token", Set.of("name", "role", "expiresAt", "user", "types"));
        String name = RequestJson.text(node, "", "name", null);
        if (name == null || name.isBlank() || name.length() > 64 || name.indexOf('\0') >= 0) {
            throw ApiException.badRequest("name is required: 1 to 64 characters that say what the token is for");
        }
        Role callerIs = Role.of(callerRole);
        String user = RequestJson.text(node, "", "user", null);
        if (user == null) {
            if ("admin-token".equals(via)) {
                throw ApiException.badRequest("the admin token is no user: name the user the token is for (\"user\")");
            }
            user = caller;
        } else if (!user.equals(caller) && callerIs != Role.ADMIN) {
            throw ApiException.forbidden("only an admin makes tokens for other users");
        }
        String owner = user;
        Role ownerIs = users.find(owner).map(UserStore.User::role)
                .orElseThrow(() -> ApiException.badRequest("no user " + owner));
        String roleWord = RequestJson.text(node, "", "role", null);
        Role role = Role.WORKER.word().equals(roleWord) ? Role.WORKER : role(roleWord, false);
        List<String> types = workerTypes(node, role);
        if (role == null) {
            role = ownerIs.atMost(callerIs);
        } else if (!ownerIs.covers(role) || !callerIs.covers(role)) {
            throw new Conflict("a token's role is at most its user's (" + ownerIs.word() + ") and yours ("
                    + callerIs.word() + "), asked for " + role.word());
        }
        String expires = RequestJson.text(node, "", "expiresAt", null);
        Long expiresAt = null;
        if (expires != null) {
            Instant now = Instant.now();
            Instant at = RequestTimes.instant("expiresAt", expires, ZoneOffset.UTC, now);
            if (!at.isAfter(now)) {
                throw ApiException.badRequest("expiresAt must lie in the future, got \"" + expires + "\"");
            }
            expiresAt = at.toEpochMilli();
        }
        return new NewToken(owner, name, role, expiresAt, types);
    }

    /** A worker token's task types: required, and only for that role. */
    private static List<String> workerTypes(JsonNode node, Role role) {
        JsonNode types = node.get("types");
        if (role != Role.WORKER) {
            if (types != null && !types.isNull()) {
                throw ApiException.badRequest("types is taken only for a token of the role worker");
            }
            return null;
        }
        if (types == null || !types.isArray() || types.isEmpty()) {
            throw ApiException.badRequest("types is required for a worker token: the task types it may serve,"
                    + " such as [\"resize\"]");
        }
        List<String> named = new ArrayList<>();
        for (JsonNode type : types) {
            if (!type.isTextual() || !TaskRequests.NAME.matcher(type.asText()).matches()) {
                throw ApiException.badRequest("types must hold task types matching " + TaskRequests.NAME.pattern()
                        + ", got " + type);
            }
            if (!named.contains(type.asText())) {
                named.add(type.asText());
            }
        }
        return List.copyOf(named);
    }

    /** Whose tokens a caller sees and may revoke: their own, or everyone's (null) for an admin. */
    public String tokenOwner(@Header(CallerHeaders.NAME) String caller, @Header(CallerHeaders.ROLE) String role) {
        return Role.ADMIN.word().equals(role) ? null : caller;
    }

    public AuditLog.Filter auditFilter(Map<String, Object> query) {
        return new AuditLog.Filter(QueryParameters.value(query, "actor"), QueryParameters.value(query, "action"),
                QueryParameters.value(query, "target"), time(query, "from"), time(query, "to"));
    }

    private static Long time(Map<String, Object> query, String field) {
        String text = QueryParameters.value(query, field);
        return text == null || text.isEmpty() ? null
                : RequestTimes.instant(field, text, ZoneOffset.UTC, Instant.now()).toEpochMilli();
    }

    private static String name(String value, String field) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ApiException.badRequest(field + " must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with"
                    + " a letter or digit" + (value == null ? "" : ", got \"" + value + "\""));
        }
        return value;
    }

    private static Role role(String value, boolean required) {
        if (value == null && !required) {
            return null;
        }
        Role role = Role.of(value);
        // worker is a role of tokens only (newToken): a person is a viewer, an operator or an admin
        if (role == null || role == Role.WORKER) {
            throw ApiException.badRequest("role must be viewer, operator or admin" + (value == null ? "" : ", got \"" + value + "\""));
        }
        return role;
    }

    private static String password(JsonNode node, boolean required) {
        String password = RequestJson.text(node, "", "password", null);
        if (password == null && !required) {
            return null;
        }
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw ApiException.badRequest("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        return password;
    }
}
