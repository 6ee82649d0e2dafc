package routes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.config.ControlRole;
import routes.config.SecurityProperties;

/**
 * The first door to the API and the actuator (but health), before anyone is asked who they are: refuses requests a
 * page of another site may have made the browser send (403, see {@link CrossSiteCheck}) and oversized bodies (413).
 * Who may do what is {@link WebSecurity}'s, behind it.
 */
@Component
@ControlRole
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiGuard extends OncePerRequestFilter {

    private final CrossSiteCheck crossSite;
    private final long maxRequestBytes;
    private final ApiErrors errors;
    private final ObjectMapper json;

    public ApiGuard(CrossSiteCheck crossSite, SecurityProperties security, ApiErrors errors,
                    ObjectMapper json) {
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
        String crossSiteRefusal = crossSite.refusal(request);
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

    private void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), errors.body(status, message));
    }
}
