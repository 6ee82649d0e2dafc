package routes.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of caravan.callbacks.allowed-urls: {@code scheme://host[:port][/path]}. A url matches it when it has the
 * same scheme, the same host (or, for a host written {@code *.example.com}, any name ending in {@code .example.com}),
 * the same port (the scheme's default when none is written) and a path that is the entry's path or lies below it.
 *
 * @param host the host in lower case, without the {@code *.} of a wildcard; an IPv6 address without brackets
 */
public record AllowedUrl(String scheme, String host, boolean anySubdomain, int port, String path) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public static AllowedUrl parse(String entry) {
        String text = entry == null ? "" : entry.strip();
        boolean wildcard = false;
        int hostAt = text.indexOf("://") + 3;
        if (hostAt > 2 && text.startsWith("*.", hostAt)) {
            wildcard = true;
            text = text.substring(0, hostAt) + text.substring(hostAt + 2);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw bad(entry, "it is not a url");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw bad(entry, "it must start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw bad(entry, "it must be scheme://host[:port][/path], with no user, query or fragment");
        }
        String host = bare(uri.getHost());
        if (wildcard && isAddress(host)) {
            throw bad(entry, "*. goes before a name, not an address");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new AllowedUrl(scheme, host, wildcard, port(scheme, uri.getPort()), path);
    }

    /** Whether the url (absolute, http or https, with a host) is one this entry allows. */
    public boolean matches(URI url) {
        String urlHost = bare(url.getHost());
        String urlPath = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        boolean hostMatches = anySubdomain ? urlHost.endsWith("." + host) : urlHost.equals(host);
        boolean pathMatches = urlPath.equals(path) || urlPath.startsWith(path.endsWith("/") ? path : path + "/");
        return scheme.equalsIgnoreCase(url.getScheme()) && hostMatches && port == port(scheme, url.getPort())
                && pathMatches && !urlPath.contains("/../") && !urlPath.endsWith("/..");
    }

    /** Whether the entry names its host by address (an IP literal): the only way to allow an internal address. */
    public boolean namesAddress() {
        return isAddress(host);
    }

    /** A host as written in a url, in lower case and without the brackets of an IPv6 address. */
    public static String bare(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    /** Whether a (bare) host is an IP literal rather than a name. */
    public static boolean isAddress(String host) {
        return host.contains(":") || IPV4.matcher(host).matches();
    }

    private static int port(String scheme, int port) {
        return port >= 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static IllegalArgumentException bad(String entry, String why) {
        return new IllegalArgumentException("caravan.callbacks.allowed-urls: \"" + entry + "\" is not taken: " + why
                + " (such as https://hooks.example.com/caravan or https://*.example.com)");
    }
}
