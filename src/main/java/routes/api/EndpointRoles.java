package routes.api;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.stereotype.Component;
import routes.access.Role;
import routes.config.ControlRole;

/**
 * The role each API operation needs, read from the operation itself: every verb of the *-api.yaml files declares it
 * as the scope of its security requirement ({@code security: [{key: bearer, scopes: operator}]}), which the OpenAPI
 * description shows to clients too. A verb that declares none needs admin, and so does a request no verb is found
 * for (the answer is then 404 or 405 for admins): were the API to serve a path this class does not recognise, it
 * would be served to admins only. The OpenAPI description itself is for viewers.
 */
@Component
@ControlRole
public class EndpointRoles implements AuthorizationManager<RequestAuthorizationContext> {

    /** An API operation: its id, the role it needs, and the values of its path's {variables} in a request. */
    public record Operation(String id, Role role, List<String> pathValues) {

        /** The operation's name in the audit trail: the verb's id without "rest-". */
        public String action() {
            return id.startsWith("rest-") ? id.substring(5) : id;
        }
    }

    private record Verb(String method, Pattern path, int variables, String id, Role role) {
    }

    private static final long REREAD_MILLIS = 5_000;
    private static final String DESCRIPTION = "/api/openapi.json";
    private static final Pattern VARIABLE = Pattern.compile("\\{[^/}]+}");

    private final CamelContext camel;
    private final Clock clock = Clock.systemUTC();
    private volatile List<Verb> verbs = List.of();
    private volatile long readAt;

    public EndpointRoles(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
        Authentication caller = authentication.get();
        return new AuthorizationDecision(caller instanceof CallerAuthentication known
                && known.caller().role().covers(needed(context.getRequest())));
    }

    /** The role the request needs: its operation's; admin when no operation is found for it. */
    public Role needed(HttpServletRequest request) {
        Operation operation = operation(request);
        if (operation != null) {
            return operation.role();
        }
        return ApiGuard.mappedPath(request).equals(DESCRIPTION) ? Role.VIEWER : Role.ADMIN;
    }

    /** The operation the request calls, or null when none serves its method and path. */
    public Operation operation(HttpServletRequest request) {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        // "/api/jobs/x/" is matched as "/api/jobs/x", in case the API serves it so
        String path = ApiGuard.mappedPath(request).replaceAll("(.)/+$", "$1");
        for (Verb verb : verbs()) {
            if (verb.method().equals(method)) {
                Matcher matcher = verb.path().matcher(path);
                if (matcher.matches()) {
                    List<String> values = new ArrayList<>();
                    for (int group = 1; group <= matcher.groupCount(); group++) {
                        values.add(matcher.group(group));
                    }
                    return new Operation(verb.id(), verb.role(), values);
                }
            }
        }
        return null;
    }

    /** The verbs, read again now and then: routes may be reloaded from caravan.routes-directory. */
    private List<Verb> verbs() {
        long now = clock.millis();
        if (now - readAt > REREAD_MILLIS) {
            List<Verb> read = new ArrayList<>();
            for (RestDefinition rest : ((ModelCamelContext) camel).getRestDefinitions()) {
                for (VerbDefinition verb : rest.getVerbs()) {
                    read.add(verb(rest, verb));
                }
            }
            // a fixed segment wins over a {variable} in the same place: /api/tasks/batch before /api/tasks/{id}
            read.sort(Comparator.comparingInt(Verb::variables));
            verbs = List.copyOf(read);
            readAt = now;
        }
        return verbs;
    }

    private static Verb verb(RestDefinition rest, VerbDefinition verb) {
        String path = (rest.getPath() == null ? "" : rest.getPath()) + (verb.getPath() == null ? "" : verb.getPath());
        path = path.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
        Matcher variables = VARIABLE.matcher(path);
        StringBuilder regex = new StringBuilder();
        int count = 0;
        int last = 0;
        while (variables.find()) {
            regex.append(Pattern.quote(path.substring(last, variables.start()))).append("([^/]+)");
            last = variables.end();
            count++;
        }
        regex.append(Pattern.quote(path.substring(last)));
        return new Verb(verb.asVerb().toUpperCase(Locale.ROOT), Pattern.compile(regex.toString()), count, verb.getId(),
                declaredRole(verb));
    }

    private static Role declaredRole(VerbDefinition verb) {
        if (verb.getSecurity() != null) {
            for (SecurityDefinition requirement : verb.getSecurity()) {
                Role role = Role.of(requirement.getScopes());
                if (role != null) {
                    return role;
                }
            }
        }
        return Role.ADMIN;
    }
}
