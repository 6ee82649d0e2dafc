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
 * The door to everything but health: refuses requests without the admin token (401), requests a page of
 * another site may have made the browser send (403, see {@link CrossSiteCheck}) and oversized bodies (413). The
 * token is sent as {@code Authorization: Bearer <token>}; for hawtio in a browser, HTTP Basic with the token as
 * password is accepted too.
 */
@Component
@ControlRole
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiGuard extends OncePerRequestFilter {

    private final AdminToken token;
    private final CrossSiteCheck crossSite;
    private final long maxRequestBytes;
    private final ApiErrors errors;
    private final ObjectMapper json;

    public ApiGuard(AdminToken token, CrossSiteCheck crossSite, SecurityProperties security, ApiErrors errors,
                    ObjectMapper json) {
        this.token = token;
        this.crossSite = crossSite;
        this.maxRequestBytes = security.maxRequestSize().toBytes();
        this.errors = errors;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = mappedPath(request);
        return !(path.startsWith("/api") || path.startsWith("/actuator"))
                || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    /** The decoded, normalized path the request is mapped by, not the raw URI: "/actuator/health/../x" is "/actuator/x". */
    static String mappedPath(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
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
        String crossSiteRefusal = crossSite.refusal(request, isBasic(request.getHeader("Authorization")));
        if (crossSiteRefusal != null) {
            reject(response, 403, crossSiteRefusal);
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
        if (isBasic(header)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                return pair.substring(pair.indexOf(':') + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean isBasic(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    }

    private void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), errors.body(status, message));
    }
}
