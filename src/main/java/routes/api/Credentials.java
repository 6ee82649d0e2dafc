package routes.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.access.Caller;
import routes.access.Role;
import routes.access.TokenStore;
import routes.access.UserStore;

/**
 * Who is calling. A request with {@code Authorization: Bearer <token>} is the admin token's (admin) or an API token's
 * (its role, capped by its user's); a wrong or expired token is a 401 at once, whatever session the request also
 * carries. Otherwise the console's session speaks, with the user's current role: a user removed or demoted since the
 * login loses the session or the rights within {@link #RECHECK_MILLIS}.
 */
public class Credentials extends OncePerRequestFilter {

    static final long RECHECK_MILLIS = 5_000;

    private record Checked(Optional<Role> role, long at) {
    }

    private final AdminToken adminToken;
    private final TokenStore tokens;
    private final UserStore users;
    private final EdgeAnswers answers;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    public Credentials(AdminToken adminToken, TokenStore tokens, UserStore users, EdgeAnswers answers) {
        this.adminToken = adminToken;
        this.tokens = tokens;
        this.users = users;
        this.answers = answers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            Optional<Caller> caller = authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? bearer(authorization.substring(7).trim()) : Optional.empty();
            if (caller.isEmpty()) {
                answers.unauthenticated(request, response, "wrong, expired or revoked token: send Authorization: Bearer"
                        + " <token> with the admin token or an API token (POST /api/tokens makes one)");
                return;
            }
            // a context of its own: the session's, if the request has one too, stays as it is
            SecurityContextHolder.setContext(new SecurityContextImpl(new CallerAuthentication(caller.get())));
        } else if (SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication session) {
            Optional<Role> role = currentRole(session.caller().name());
            if (role.isEmpty()) {
                HttpSession gone = request.getSession(false);
                if (gone != null) {
                    gone.invalidate();
                }
                SecurityContextHolder.clearContext();
            } else if (role.get() != session.caller().role()) {
                SecurityContextHolder.setContext(new SecurityContextImpl(new CallerAuthentication(
                        new Caller(session.caller().name(), role.get(), session.caller().via()))));
            }
        }
        chain.doFilter(request, response);
    }

    private Optional<Caller> bearer(String token) {
        if (adminToken.matches(token)) {
            return Optional.of(new Caller("admin-token", Role.ADMIN, "admin-token"));
        }
        return tokens.caller(token);
    }

    private Optional<Role> currentRole(String user) {
        long now = clock.millis();
        Checked known = checked.get(user);
        if (known == null || now - known.at() > RECHECK_MILLIS) {
            known = new Checked(users.find(user).map(UserStore.User::role), now);
            checked.put(user, known);
        }
        return known.role();
    }

    /** Forgets what it checked, so that a change to users takes effect at once on this node. */
    public void forget() {
        checked.clear();
    }
}
