package routes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * The security edge's refusals, as JSON like every other error: 401 without credentials, 403 below the operation's
 * role or without the CSRF token, 429 for too many logins. A browser opening hawtio without a session is sent to the
 * console's login instead.
 */
@Component
@ControlRole
public class EdgeAnswers implements AuthenticationEntryPoint, AccessDeniedHandler {

    /** Request attribute: why the request was refused, for the audit trail. */
    static final String REFUSAL = "caravan.refusal";

    private final ApiErrors errors;
    private final ObjectMapper json;
    private final EndpointRoles roles;

    public EdgeAnswers(ApiErrors errors, ObjectMapper json, EndpointRoles roles) {
        this.errors = errors;
        this.json = json;
        this.roles = roles;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
            throws IOException {
        String path = ApiGuard.mappedPath(request);
        String accept = request.getHeader("Accept");
        if (path.startsWith("/actuator/hawtio") && "GET".equals(request.getMethod()) && accept != null
                && accept.contains("text/html")) {
            response.sendRedirect(request.getContextPath() + "/#/login");
            return;
        }
        unauthenticated(request, response, "log in (POST /api/session) or send Authorization: Bearer <token>");
    }

    void unauthenticated(HttpServletRequest request, HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"caravan\"");
        write(request, response, 401, message);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        if (denied instanceof CsrfException) {
            write(request, response, 403, "missing or wrong CSRF token: a request made with the console's session"
                    + " that changes something must send the header X-XSRF-TOKEN with the value of the XSRF-TOKEN cookie");
            return;
        }
        String needed = ApiGuard.mappedPath(request).startsWith("/api") ? roles.needed(request).word() : "admin";
        String has = SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication caller
                ? caller.caller().name() + " has the role " + caller.caller().role().word() : "you are not logged in";
        write(request, response, 403, "this needs the role " + needed + "; " + has);
    }

    void write(HttpServletRequest request, HttpServletResponse response, int status, String message) throws IOException {
        request.setAttribute(REFUSAL, message);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), errors.body(status, message));
    }
}
