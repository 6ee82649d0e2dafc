package routes.api;

import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Which message headers cross the HTTP edge of the API. In: no Camel-internal headers. Out: only the content
 * type; by default every request header (Authorization too) would be echoed back in the response.
 */
@Component
@ControlRole
public class ApiHeaderFilter extends DefaultHeaderFilterStrategy {

    public ApiHeaderFilter() {
        setInFilterStartsWith(CAMEL_FILTER_STARTS_WITH);
        setCaseInsensitive(true);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !Exchange.CONTENT_TYPE.equalsIgnoreCase(headerName);
    }
}
