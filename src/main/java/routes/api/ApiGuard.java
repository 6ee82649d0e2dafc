package routes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.config.ControlRole;
import routes.config.SecurityProperties;

/**
 * The door to everything but health: refuses oversized bodies (413) and requests without the admin token
 * (401). The token is sent as {@code Authorization: Bearer <token>}; for hawtio in a browser, HTTP Basic with
 * the token as password is accepted too.
 */
@Component
@ControlRole
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiGuard extends OncePerRequestFilter {

    private final AdminToken token;
    private final long maxRequestBytes;
    private final ApiErrors errors;
    private final ObjectMapper json;

    public ApiGuard(AdminToken token, SecurityProperties security, ApiErrors errors, ObjectMapper json) {
        this.token = token;
        this.maxRequestBytes = security.maxRequestSize().toBytes();
        this.errors = errors;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // the decoded, normalized path the request is mapped by, not the raw URI: "/actuator/health/../x" is "/actuator/x"
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return !(path.startsWith("/api") || path.startsWith("/actuator"))
                || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!token.matches(presentedToken(request))) {
            if (request.getRequestURI().contains("/hawtio")) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"caravan\"");
            } else {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"caravan\"");
            }
            reject(response, 401, "missing or wrong token: send Authorization: Bearer <admin token>");
            return;
        }
        if (request.getContentLengthLong() > maxRequestBytes) {
            reject(response, 413, "request body over the limit of " + maxRequestBytes + " bytes");
            return;
        }
        if (request.getContentLengthLong() < 0 && request.getHeader("Transfer-Encoding") != null) {
            // a chunked body announces no length: read it here, up to the limit
            byte[] body = request.getInputStream().readNBytes((int) maxRequestBytes + 1);
            if (body.length > maxRequestBytes) {
                reject(response, 413, "request body over the limit of " + maxRequestBytes + " bytes");
                return;
            }
            chain.doFilter(new BufferedRequest(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private static String presentedToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return null;
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                return pair.substring(pair.indexOf(':') + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), errors.body(status, message));
    }
}
