package routes.callback;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import routes.config.AllowedUrl;
import routes.config.CallbackProperties;
import routes.config.ControlRole;
import routes.webhook.PostFailed;
import routes.webhook.SignedPost;

/**
 * Where a callback may go, so that Caravan cannot be made to reach what it should not. At submit
 * ({@link #refusal}): callbacks must be on (a secret and an allow-list), and the url absolute http or https, with no
 * credentials, and allowed by an entry of caravan.callbacks.allowed-urls. At send time ({@link #checkAtSend}) the
 * same again (the settings may have changed since), and then every address the host resolves to must be a public
 * one: a loopback, link-local, private, shared, multicast or otherwise reserved address is reached only when the
 * url names that address itself and an allow-list entry names it so too; a host name never leads there.
 */
@Component
@ControlRole
public class CallbackTargets {

    public static final int LONGEST_URL = 2000;

    private final CallbackProperties settings;
    private final List<AllowedUrl> allowed;

    public CallbackTargets(CallbackProperties settings) {
        this.settings = settings;
        this.allowed = settings.allowed();
    }

    /** Why a callback url is not taken at submit, in words that follow its field's name; null when it is taken. */
    public String refusal(String url) {
        if (settings.secret().isEmpty()) {
            return "is not taken: callbacks are off here (caravan.callbacks.secret is not set)";
        }
        if (allowed.isEmpty()) {
            return "is not taken: callbacks are off here (caravan.callbacks.allowed-urls is empty)";
        }
        if (url.length() > LONGEST_URL) {
            return "must be at most " + LONGEST_URL + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "must be a url such as https://hooks.example.com/caravan, got \"" + url + "\"";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http:// or https:// url, got \"" + url + "\"";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not hold credentials (user:password@): the receiver checks the signature instead";
        }
        if (uri.getHost() == null || uri.getRawFragment() != null) {
            return "must be scheme://host[:port][/path][?query], with no fragment, got \"" + url + "\"";
        }
        if (allowed.stream().noneMatch(entry -> entry.matches(uri))) {
            return "is not taken: " + SignedPost.where(uri) + uri.getRawPath()
                    + " is not in caravan.callbacks.allowed-urls";
        }
        return null;
    }

    /**
     * The url to send a callback to, when it is still allowed and every address its host resolves to may be
     * reached; {@link CallbackRefused} otherwise, and {@link PostFailed} when the host cannot be resolved (now).
     * The JVM keeps what it resolved for 30 s (networkaddress.cache.ttl), so the request that follows at once
     * connects to an address checked here.
     */
    public URI checkAtSend(String url) {
        String refusal = refusal(url);
        if (refusal != null) {
            throw new CallbackRefused("the url " + refusal);
        }
        URI uri = URI.create(url);
        String host = AllowedUrl.bare(uri.getHost());
        boolean namedAddress = AllowedUrl.isAddress(host)
                && allowed.stream().anyMatch(entry -> entry.namesAddress() && entry.matches(uri));
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new PostFailed("could not resolve " + host);
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && !namedAddress) {
                throw new CallbackRefused(host + " resolves to " + address.getHostAddress() + ", an internal address"
                        + " (loopback, link-local, private or reserved); only an allow-list entry that names the"
                        + " address itself lets a callback reach one");
            }
        }
        return uri;
    }

    /**
     * Whether an address is not a public unicast one: unspecified, loopback, link-local, private (RFC 1918, IPv6
     * unique local and site-local), shared (100.64/10), multicast, or reserved; an IPv6 address that carries an
     * IPv4 one (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by that.
     */
    static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first >= 240 || (first == 100 && second >= 64 && second < 128)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || (first == 198 && (second & 0xfe) == 18);
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return true;
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff));
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (mapped || nat64) {
            return isInternal(v4(b, 12));
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return isInternal(v4(b, 2));
        }
        return false;
    }

    private static InetAddress v4(byte[] b, int from) {
        try {
            return InetAddress.getByAddress(new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
