package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import routes.access.AuditLog;
import routes.access.Caller;
import routes.access.Role;

/**
 * Puts every change made through the API on record ({@link AuditLog}): each POST, PUT, PATCH and DELETE under /api
 * by a known caller, whether it was done or refused, and every login, also the failed ones. The action is the API
 * operation's name ({@code cancel-task}); the target the values in its path, else the name the request body gives
 * ({@code name}, or {@code project/version}). Reads are not recorded, nor is the worker protocol
 * ({@link #workerProtocol}).
 */
public class AuditTrail extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final int BODY_LOOKED_AT = 64 * 1024;

    private final AuditLog audit;
    private final EndpointRoles roles;
    private final ObjectMapper json;

    public AuditTrail(AuditLog audit, EndpointRoles roles, ObjectMapper json) {
        this.audit = audit;
        this.roles = roles;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !CHANGES.contains(request.getMethod()) || !ApiGuard.mappedPath(request).startsWith("/api/")
                || workerProtocol(request);
    }

    /**
     * The worker protocol (/api/workers, role worker) is left out: a fleet of long-polling workers would fill the
     * audit with polls, and what its calls change is on record in the tasks' event logs (leased, started on the
     * worker, its outcome or the report ignored, with the worker's id).
     */
    private boolean workerProtocol(HttpServletRequest request) {
        EndpointRoles.Operation operation = roles.operation(request);
        return operation != null && operation.role() == Role.WORKER;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller before = caller();
        ContentCachingRequestWrapper cached = new ContentCachingRequestWrapper(request, BODY_LOOKED_AT);
        try {
            chain.doFilter(cached, response);
        } finally {
            Caller after = caller();
            Caller actor = after != null ? after : before;
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(cached, response, actor);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                record(cached, response, actor);
            }
        }
    }

    private void record(ContentCachingRequestWrapper request, HttpServletResponse response, Caller actor) {
        String tried = (String) request.getAttribute(SessionLogin.TRIED_NAME);
        if (actor == null && tried == null) {
            return; // nobody known: refused as unauthenticated, nothing to put on anyone's record
        }
        EndpointRoles.Operation operation = roles.operation(request);
        String action = operation == null ? request.getMethod() + " " + ApiGuard.mappedPath(request) : operation.action();
        int status = response.getStatus();
        String refusal = (String) request.getAttribute(EdgeAnswers.REFUSAL);
        String outcome = status < 400 ? "ok" : refusal != null ? refusal : "refused with status " + status;
        try {
            audit.record(actor != null ? actor.name() : tried, actor != null ? actor.via() : "login",
                    request.getRemoteAddr(), action, target(operation, request), status, outcome);
        } catch (RuntimeException e) {
            log.error("Could not put {} by {} on the audit trail: {}", action, actor != null ? actor.name() : tried,
                    e.getMessage());
        }
    }

    private String target(EndpointRoles.Operation operation, ContentCachingRequestWrapper request) {
        if (operation != null && !operation.pathValues().isEmpty()) {
            return String.join("/", operation.pathValues());
        }
        byte[] body = request.getContentAsByteArray();
        if (body.length == 0 || body.length >= BODY_LOOKED_AT) {
            return "";
        }
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.path("name").isTextual()) {
                return node.path("name").asText();
            }
            if (node != null && node.path("project").isTextual() && node.path("version").isTextual()) {
                return node.path("project").asText() + "/" + node.path("version").asText();
            }
        } catch (IOException | RuntimeException unreadable) {
            // the API has refused it already; the record says so
        }
        return "";
    }

    private static Caller caller() {
        return SecurityContextHolder.getContext().getAuthentication() instanceof CallerAuthentication known
                ? known.caller() : null;
    }
}
