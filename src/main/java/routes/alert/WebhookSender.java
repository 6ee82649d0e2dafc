package routes.alert;

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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import routes.config.AlertDeliveryProperties;
import routes.config.ChannelSpec;
import routes.config.ControlRole;

/**
 * POSTs a notice to a webhook channel's url as JSON, signed so that the receiver can tell it came from Caravan and
 * was not changed: {@code Caravan-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>} with
 * {@code Caravan-Timestamp: <unix seconds>}, and {@code Caravan-Delivery: <delivery id>} (the same on every attempt
 * of a delivery, so a receiver can drop a repeat). Any 2xx answer delivers it; a redirect is not followed.
 */
@Component
@ControlRole
public class WebhookSender {

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock = Clock.systemUTC();

    public WebhookSender(AlertDeliveryProperties delivery) {
        this.timeout = delivery.timeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public void post(ChannelSpec channel, AlertAttempt attempt) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(URI.create(channel.url()))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Caravan")
                .header("Caravan-Timestamp", timestamp)
                .header("Caravan-Signature", "sha256=" + sign(channel.secret(), timestamp, attempt.noticeJson()))
                .header("Caravan-Delivery", Long.toString(attempt.deliveryId()))
                .POST(HttpRequest.BodyPublishers.ofString(attempt.noticeJson(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpConnectTimeoutException e) {
            throw new DeliveryFailed("could not connect to " + where(channel) + " within " + timeout.toMillis() + " ms", false);
        } catch (HttpTimeoutException e) {
            throw new DeliveryFailed(where(channel) + " did not answer within " + timeout.toMillis() + " ms", false);
        } catch (ConnectException e) {
            throw new DeliveryFailed("could not connect to " + where(channel) + " (connection refused)", false);
        } catch (IOException e) {
            throw new DeliveryFailed("the request to " + where(channel) + " failed: " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailed("the node stopped while waiting for " + where(channel), false);
        }
        int status = response.statusCode();
        if (status >= 300) {
            HttpStatus known = HttpStatus.resolve(status);
            String answered = where(channel) + " answered " + status + (known == null ? "" : " " + known.getReasonPhrase());
            throw new DeliveryFailed(status < 400 ? answered + " (redirects are not followed; give the final url)"
                    : answered, false);
        }
    }

    /** The hex HMAC-SHA256 of {@code timestamp + "." + body} with the secret as key. */
    static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The receiver, as scheme://host[:port]: the path and query of a url may hold a token of their own. */
    private static String where(ChannelSpec channel) {
        URI uri = URI.create(channel.url());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
