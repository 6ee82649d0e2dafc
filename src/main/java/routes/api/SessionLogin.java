package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.access.Caller;
import routes.access.UserStore;

/**
 * The console's login and logout. {@code POST /api/session} with {@code {"name", "password"}} checks the password
 * (too many failures from one address: 429), then gives the browser a new session (a new id: one planted before the
 * login is worth nothing) and a new CSRF token, and lets the request on to the API, which answers who is logged in.
 * {@code DELETE /api/session} ends the session. Both are on record in the audit trail ({@link AuditTrail}).
 */
public class SessionLogin extends OncePerRequestFilter {

    /** Request attribute: the name a login tried, for the audit trail when it failed. */
    static final String TRIED_NAME = "caravan.login-name";
    private static final int MAX_BODY = 4096;
    private static final int MAX_PASSWORD = 200;

    private final UserStore users;
    private final LoginThrottle throttle;
    private final SecurityContextRepository sessions;
    private final CsrfTokenRepository csrfTokens;
    private final RequestJson json;
    private final EdgeAnswers answers;

    public SessionLogin(UserStore users, LoginThrottle throttle, SecurityContextRepository sessions,
                        CsrfTokenRepository csrfTokens, RequestJson json, EdgeAnswers answers) {
        this.users = users;
        this.throttle = throttle;
        this.sessions = sessions;
        this.csrfTokens = csrfTokens;
        this.json = json;
        this.answers = answers;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ApiGuard.mappedPath(request).equals("/api/session")
                || !(request.getMethod().equals("POST") || request.getMethod().equals("DELETE"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getMethod().equals("DELETE")) {
            logOut(request, response);
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        String name;
        String password;
        try {
            JsonNode login = json.read(body.length > MAX_BODY ? "" : new String(body, StandardCharsets.UTF_8));
            RequestJson.onlyFields(login, "", "login", Set.of("name", "password"));
            name = RequestJson.text(login, "", "name", null);
            password = RequestJson.text(login, "", "password", null);
        } catch (ApiException bad) {
            answers.write(request, response, 400, bad.getMessage());
            return;
        }
        if (name == null || password == null || name.isBlank() || password.length() > MAX_PASSWORD) {
            answers.write(request, response, 400, "send {\"name\": \"...\", \"password\": \"...\"} (a password of at most "
                    + MAX_PASSWORD + " characters)");
            return;
        }
        request.setAttribute(TRIED_NAME, name);
        String address = request.getRemoteAddr();
        long wait = throttle.waitSeconds(name, address);
        if (wait > 0) {
            response.setHeader("Retry-After", Long.toString(wait));
            answers.write(request, response, 429, "too many failed logins from " + address + ": try again in " + wait
                    + " seconds");
            return;
        }
        Optional<UserStore.User> user = users.check(name, password);
        if (user.isEmpty()) {
            throttle.failed(name, address);
            answers.write(request, response, 401, "wrong name or password");
            return;
        }
        throttle.succeeded(name, address);
        logIn(new Caller(user.get().name(), user.get().role(), "session"), request, response);
        chain.doFilter(new BufferedRequest(request, body), response);
    }

    private void logIn(Caller caller, HttpServletRequest request, HttpServletResponse response) {
        if (request.getSession(false) != null) {
            request.changeSessionId();
        } else {
            request.getSession(true);
        }
        SecurityContext context = new SecurityContextImpl(new CallerAuthentication(caller));
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        csrfTokens.saveToken(csrfTokens.generateToken(request), request, response);
    }

    private void logOut(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
        csrfTokens.saveToken(null, request, response);
    }
}
