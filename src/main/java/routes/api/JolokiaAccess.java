package routes.api;

import java.util.Locale;
import java.util.Set;
import javax.management.ObjectName;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.SecurityProperties;

/**
 * What Jolokia (/actuator/jolokia, hawtio's way to JMX) serves; the actuator's Jolokia servlet takes this bean in
 * place of its default, which allows everything and answers any page's origin with CORS headers.
 * <ul>
 * <li>POST only: a GET could run an operation ({@code /exec/...}) or read through a JSONP callback for an image or
 * script tag of any page, which sends no Origin. hawtio posts every request.</li>
 * <li>CORS headers (which let a page of another origin read the answer) only for
 * {@code caravan.security.allowed-origins}, never for whatever origin a request names.</li>
 * </ul>
 * The token holder may run every MBean operation, as before. Which origins may send requests at all is
 * {@link CrossSiteCheck}'s decision, in front of Jolokia: it knows the address the browser used, Jolokia does not.
 */
@Component
@ControlRole
public class JolokiaAccess implements Restrictor {

    private final Set<String> allowedOrigins;

    public JolokiaAccess(SecurityProperties security) {
        this.allowedOrigins = Set.copyOf(security.allowedOrigins());
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return method == HttpMethod.POST;
    }

    /**
     * {@code checkOnlyWhenStrict}: Jolokia asks once before serving (true), where {@link CrossSiteCheck} has
     * decided already, and once whether to add CORS headers to the answer (false).
     */
    @Override
    public boolean isOriginAllowed(String origin, boolean checkOnlyWhenStrict) {
        return checkOnlyWhenStrict || origin != null && allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }

    /**
     * Jolokia would refuse an https page calling an http node, which is what a proxy ending TLS looks like; the
     * origin has passed {@link CrossSiteCheck}.
     */
    @Override
    public boolean ignoreScheme() {
        return true;
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return true;
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return true;
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return true;
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        return true;
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return true;
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return false;
    }
}
