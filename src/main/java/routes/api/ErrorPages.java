package routes.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.config.ControlRole;

/**
 * Error answers outside the routes are JSON too: Tomcat's own (bad paths) through {@link JsonErrorReportValve},
 * and the error page's path, which is not an endpoint: asked for directly it is a 404 like any unknown path.
 */
@Component
@ControlRole
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ErrorPages extends OncePerRequestFilter implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final String errorPath;
    private final ApiErrors errors;
    private final ObjectMapper json;

    public ErrorPages(@Value("${server.error.path:/error}") String errorPath, ApiErrors errors, ObjectMapper json) {
        this.errorPath = errorPath;
        this.errors = errors;
        this.json = json;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.equals(errorPath) || path.startsWith(errorPath + "/")) {
            response.setStatus(404);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            json.writeValue(response.getOutputStream(), errors.body(404, "no such path: " + path));
            return;
        }
        chain.doFilter(request, response);
    }
}
