package routes.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An alert channel as defined, in caravan.alerts.channels or through /api/alert-channels: a {@code webhook} (a
 * {@code url} that is POSTed each notice, signed with {@code secret}) or an {@code email} (the addresses {@code to}).
 * Checked here, the one place both ways share: a refusal's message names the field and says what to fix.
 *
 * @param name   unique among channels; rules name the channels they go to by it
 * @param kind   webhook or email
 * @param url    a webhook's address: http or https, without a user or password in it
 * @param secret the key a webhook's requests are signed with (HMAC-SHA256), at least 16 characters
 * @param to     an email channel's addresses (user@host), 1 to 50
 */
public record ChannelSpec(String name, String kind, String url, String secret, List<String> to) {

    public static final String WEBHOOK = "webhook";
    public static final String EMAIL = "email";
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MIN_SECRET = 16;
    private static final int MAX_SECRET = 500;
    private static final int MAX_URL = 2000;
    private static final int MAX_ADDRESSES = 50;

    public ChannelSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-', such as"
                    + " \"ops-webhook\", got " + quoted(name));
        }
        if (WEBHOOK.equals(kind)) {
            checkUrl(url);
            if (secret == null || secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
                throw new IllegalArgumentException("secret is required for a webhook channel: " + MIN_SECRET + " to "
                        + MAX_SECRET + " characters that the receiver also knows (its requests are signed with it)");
            }
            if (to != null && !to.isEmpty()) {
                throw new IllegalArgumentException("to is for email channels; a webhook channel has a url");
            }
            to = List.of();
        } else if (EMAIL.equals(kind)) {
            if (url != null || secret != null) {
                throw new IllegalArgumentException((url != null ? "url" : "secret")
                        + " is for webhook channels; an email channel has the addresses in to");
            }
            to = addresses(to);
        } else {
            throw new IllegalArgumentException("kind must be \"webhook\" or \"email\", got " + quoted(kind));
        }
    }

    public boolean webhook() {
        return WEBHOOK.equals(kind);
    }

    /** Without the secret, should a channel ever be logged. */
    @Override
    public String toString() {
        return "ChannelSpec[name=" + name + ", kind=" + kind + ", url=" + url + ", secret=" + (secret == null ? "none" : "***")
                + ", to=" + to + "]";
    }

    private static void checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is required for a webhook channel, such as"
                    + " \"https://hooks.example.com/caravan\"");
        }
        if (url.length() > MAX_URL) {
            throw new IllegalArgumentException("url must be at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid address: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url must be http:// or https://, got " + quoted(url));
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must not hold a user or password (user:password@host);"
                    + " the receiver checks the signature made with the secret instead");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("url must name a host, such as \"https://hooks.example.com/caravan\"");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not have a #fragment");
        }
    }

    private static List<String> addresses(List<String> to) {
        if (to == null || to.isEmpty() || to.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("to must list 1 to " + MAX_ADDRESSES
                    + " email addresses for an email channel, such as [\"ops@example.com\"]");
        }
        Set<String> seen = new HashSet<>();
        for (String address : to) {
            if (!wellFormed(address)) {
                throw new IllegalArgumentException("to: " + quoted(address) + " is not an email address of the form"
                        + " user@host.example");
            }
            if (!seen.add(address.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("to: " + quoted(address) + " is listed twice");
            }
        }
        return List.copyOf(to);
    }

    /** A bare address, user@host: no display name, no group, no line break a mail header could be split at. */
    private static boolean wellFormed(String address) {
        if (address == null || address.length() > 254 || !address.equals(address.strip())
                || address.chars().anyMatch(c -> c < 0x21 || c == 0x7f || c == '<' || c == ',')) {
            return false;
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            return parsed.getPersonal() == null && address.equals(parsed.getAddress())
                    && address.indexOf('@') > 0 && address.lastIndexOf('@') < address.length() - 1;
        } catch (AddressException e) {
            return false;
        }
    }

    private static String quoted(String value) {
        return value == null ? "nothing" : "\"" + value + "\"";
    }
}
