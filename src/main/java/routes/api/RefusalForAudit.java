package routes.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Hands the message of an error an API route answered with to the audit trail ({@link AuditTrail}), as
 * {@link EdgeAnswers} does for the security edge's refusals: the record then says why a change was refused, in the
 * words its caller read.
 */
@Component
@ControlRole
public class RefusalForAudit {

    /** Exchange property: the request an API route answers (its message loses it once a step replaced the message). */
    private static final String REQUEST = "caravan.request";

    /** Before the route's steps, while the message is still the HTTP request's. */
    public void remember(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage http && http.getRequest() != null) {
            exchange.setProperty(REQUEST, http.getRequest());
        }
    }

    /** The body is the error ({@link ApiErrors}) the route answers with. */
    public void note(Exchange exchange) {
        if (exchange.getProperty(REQUEST) instanceof HttpServletRequest request
                && exchange.getIn().getBody() instanceof Map<?, ?> error
                && error.get("message") instanceof String message) {
            request.setAttribute(EdgeAnswers.REFUSAL, message);
        }
    }
}
