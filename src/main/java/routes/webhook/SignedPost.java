package routes.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * POSTs JSON to a receiver, signed so that it can tell the request came from Caravan and was not changed:
 * {@code Caravan-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>} with
 * {@code Caravan-Timestamp: <unix seconds>}, and {@code Caravan-Delivery: <id>} (the same on every attempt of one
 * delivery, so a receiver can drop a repeat). Any 2xx answer is a success; a redirect is not followed, and no proxy
 * is used. Alert webhooks and task callbacks are sent through it.
 */
@Component
@ControlRole
public class SignedPost {

    /** One client per timeout (its connect timeout): alert webhooks and callbacks each have their own setting. */
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** Sends the body and returns the status of the 2xx answer; {@link PostFailed}, saying why, otherwise. */
    public int post(URI url, String secret, String body, String delivery, Duration timeout) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Caravan")
                .header("Caravan-Timestamp", timestamp)
                .header("Caravan-Signature", "sha256=" + sign(secret, timestamp, body))
                .header("Caravan-Delivery", delivery)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response;
        try {
            response = client(timeout).send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpConnectTimeoutException e) {
            throw new PostFailed("could not connect to " + where(url) + " within " + timeout.toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            throw new PostFailed(where(url) + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw new PostFailed("could not connect to " + where(url) + " (connection refused)");
        } catch (IOException e) {
            throw new PostFailed("the request to " + where(url) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostFailed("the node stopped while waiting for " + where(url));
        }
        int status = response.statusCode();
        if (status >= 300) {
            HttpStatus known = HttpStatus.resolve(status);
            String answered = where(url) + " answered " + status + (known == null ? "" : " " + known.getReasonPhrase());
            throw new PostFailed(status < 400 ? answered + " (redirects are not followed; give the final url)" : answered);
        }
        return status;
    }

    /** The hex HMAC-SHA256 of {@code timestamp + "." + body} with the secret as key. */
    public static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The receiver, as scheme://host[:port]: the path and query of a url may hold a token of their own. */
    public static String where(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private HttpClient client(Duration timeout) {
        return clients.computeIfAbsent(timeout, t -> HttpClient.newBuilder()
                .connectTimeout(t)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build());
    }
}
