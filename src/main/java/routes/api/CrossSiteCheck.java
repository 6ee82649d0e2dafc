package routes.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.SecurityProperties;

/**
 * Refuses what a page of another site can make the operator's browser send. The browser keeps the console's session
 * cookie and adds it to every request to this node, whichever page sends it: a form post, a text/plain fetch, an
 * image (the cookie is SameSite=Strict, which current browsers honour; these checks hold without it). So:
 * <ul>
 * <li>a request whose {@code Origin} names a page of another origin than the node's own is refused, unless that
 * origin is in {@code caravan.security.allowed-origins}; when a browser sends no Origin, {@code Sec-Fetch-Site}
 * (for all but following a link) and the {@code Referer} of a request that may change something decide;</li>
 * <li>a request to hawtio or Jolokia that may change something and carries no Authorization header (so only the
 * cookie speaks for it) needs a Content-Type no page can send without asking the node first (a CORS preflight, which
 * it never grants): that covers browsers that hide where a request came from. API calls made with the cookie need
 * the CSRF token instead ({@link WebSecurity});</li>
 * <li>Jolokia takes POST only: a GET can run an operation or read through a JSONP callback, and an image or
 * script tag of any page sends one with no Origin ({@link JolokiaAccess} refuses GET operations too).</li>
 * </ul>
 * Bearer tokens are not kept by browsers, so scripts and tools that send one are affected by the first rule only,
 * and send no {@code Origin} anyway.
 */
@Component
@ControlRole
public class CrossSiteCheck {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** Jolokia's servlet, and hawtio's path that forwards to it. */
    private static final Pattern JOLOKIA = Pattern.compile("/actuator/(hawtio/)?jolokia(/.*)?");
    /** The types a form or a no-cors fetch may send without a preflight (the Fetch standard's safelist). */
    private static final Set<String> SIMPLE_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data");

    private final Set<String> allowedOrigins;

    public CrossSiteCheck(SecurityProperties security) {
        this.allowedOrigins = Set.copyOf(security.allowedOrigins());
    }

    /** Why the request is refused (403), or null when it is not. */
    public String refusal(HttpServletRequest request) {
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        String origin = request.getHeader("Origin");
        String referer = originOf(request.getHeader("Referer"));
        String site = request.getHeader("Sec-Fetch-Site");
        if (origin != null) {
            if (!accepted(origin, request)) {
                return foreign(origin);
            }
        } else if ("cross-site".equals(site) || "same-site".equals(site)) {
            // an image, script or form of another site's page; following a link there is only a navigation
            boolean navigation = safe && "navigate".equals(request.getHeader("Sec-Fetch-Mode"));
            if (!navigation && (referer == null || !accepted(referer, request))) {
                return foreign(referer == null ? "another site" : referer);
            }
        } else if (!safe && referer != null && !accepted(referer, request)) {
            return foreign(referer);
        }
        if (JOLOKIA.matcher(ApiGuard.mappedPath(request)).matches()
                && !request.getMethod().equals("POST") && !request.getMethod().equals("OPTIONS")) {
            return "Jolokia takes POST only (a GET from an image or script tag of any page could run an operation):"
                    + " post the request as JSON to /actuator/jolokia";
        }
        boolean cookieOnly = request.getHeader("Authorization") == null;
        if (cookieOnly && !safe && !ApiGuard.mappedPath(request).startsWith("/api") && simpleType(request.getContentType())) {
            return "a request made with the console's session that changes something must be sent with"
                    + " Content-Type: application/json (or with Authorization: Bearer): a page of any site can make"
                    + " a browser send other types with the cookies it keeps";
        }
        return null;
    }

    private boolean accepted(String origin, HttpServletRequest request) {
        String normalized = origin.toLowerCase(Locale.ROOT);
        return allowedOrigins.contains(normalized) || own(normalized, request.getHeader("Host"));
    }

    /**
     * The page came from this node when its host and port are those the browser sent this request to. The scheme is
     * left out: behind a proxy that ends TLS the node sees http for the browser's https.
     */
    private static boolean own(String origin, String host) {
        int authority = origin.indexOf("://");
        return host != null && authority > 0 && origin.substring(authority + 3).equalsIgnoreCase(host)
                && (origin.startsWith("http://") || origin.startsWith("https://"));
    }

    /** {@code scheme://host[:port]} of a page address, or null when there is none or it is not one. */
    private static String originOf(String address) {
        if (address == null) {
            return null;
        }
        try {
            URI uri = URI.create(address);
            return uri.getScheme() == null || uri.getRawAuthority() == null ? null
                    : uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean simpleType(String contentType) {
        if (contentType == null) {
            return true;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return type.isEmpty() || SIMPLE_TYPES.contains(type.toLowerCase(Locale.ROOT));
    }

    private static String foreign(String origin) {
        return "refused: this request came from a page of " + origin + ", not of this node; if that origin is yours,"
                + " add it to caravan.security.allowed-origins";
    }
}
