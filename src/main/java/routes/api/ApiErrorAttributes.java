package routes.api;

import java.util.Map;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.web.servlet.error.DefaultErrorAttributes;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.WebRequest;
import routes.config.ControlRole;

/**
 * Errors raised before a request reaches a route (no such path, wrong method or content type) get the same
 * JSON body as the routes' own errors, with a message that says what to fix.
 */
@Component
@ControlRole
public class ApiErrorAttributes extends DefaultErrorAttributes {

    private final ApiErrors errors;

    public ApiErrorAttributes(ApiErrors errors) {
        this.errors = errors;
    }

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Map<String, Object> spring = super.getErrorAttributes(request, options);
        int status = spring.get("status") instanceof Integer code ? code : 500;
        Object path = spring.getOrDefault("path", "");
        String message = switch (status) {
            case 404 -> "no such path: " + path;
            case 405 -> "this method is not allowed on " + path;
            case 406 -> "the API answers application/json only";
            case 415 -> "send the body as JSON with Content-Type: application/json";
            case 500 -> ApiErrors.INTERNAL_MESSAGE;
            default -> String.valueOf(spring.getOrDefault("error", "error"));
        };
        return errors.body(status, message);
    }
}
