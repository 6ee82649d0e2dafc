package routes.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Refuses query parameters an endpoint does not declare: a typo ({@code ?status=FAILED} for {@code ?state=})
 * must not silently return everything. The declared ones are the {@code param}s of type query in the REST
 * definitions (the same ones the OpenAPI description lists); an endpoint that declares none takes none.
 */
@Component
@ControlRole
public class QueryParameters {

    private final CamelContext camel;

    public QueryParameters(CamelContext camel) {
        this.camel = camel;
    }

    /** Called before every API route: 400 naming the first unknown parameter and the known ones. */
    public void check(Exchange exchange) {
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        String route = exchange.getProperty(Exchange.INTERCEPTED_ENDPOINT, String.class);
        if (query == null || query.isEmpty() || route == null) {
            return;
        }
        Set<String> known = declared(route);
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (!known.contains(name)) {
                throw ApiException.badRequest(known.isEmpty()
                        ? "this endpoint takes no query parameters; remove " + name
                        : name + " is not a query parameter of this endpoint; known parameters: " + known);
            }
        }
    }

    /** A query parameter's value from the message headers; null when it is not given or empty. */
    public static String value(Map<String, Object> headers, String name) {
        Object value = headers.get(name);
        return value == null || value.toString().isEmpty() ? null : value.toString();
    }

    /**
     * The query parameters of the REST verb whose HTTP endpoint is {@code uri}
     * ("platform-http:///api/tasks/{id}?httpMethodRestrict=GET").
     */
    private Set<String> declared(String uri) {
        String target = uri.replaceFirst("^[a-z-]+:/*", "/");
        int question = target.indexOf('?');
        // the endpoint's path may be percent-encoded ("/api/jobs/%7Bid%7D/runs")
        String path = decode(question < 0 ? target : target.substring(0, question));
        String method = uri.replaceFirst(".*httpMethodRestrict=([A-Za-z]+).*", "$1");
        Set<String> names = new TreeSet<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String verbPath = rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
                if (verbPath.equals(path) && verb.asVerb().equalsIgnoreCase(method)) {
                    for (ParamDefinition param : verb.getParams()) {
                        if (param.getType() == RestParamType.query) {
                            names.add(param.getName());
                        }
                    }
                }
            }
        }
        return names;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the query string is not correctly percent-encoded");
        }
    }
}
