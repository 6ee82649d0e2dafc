package routes.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver of Caravan's signed POSTs (alert webhooks, task callbacks) on a local port: records every request by
 * path and answers 2xx, 503 for as many requests as it is told to fail, or 302 at /moved.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as received, with its headers by lower-case name. */
    public record Request(Map<String, String> headers, String body, long receivedAt) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final Map<String, List<Request>> requests = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private HttpServer server;

    public WebhookReceiver start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                    .add(new Request(headers, body, System.currentTimeMillis()));
            int status = 204;
            if (path.equals("/moved")) {
                exchange.getResponseHeaders().add("Location", url("/elsewhere"));
                status = 302;
            } else if (failures.merge(path, -1, Integer::sum) >= 0) {
                status = 503;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return this;
    }

    /** The next {@code count} requests to the path are answered 503. */
    public void failFirst(String path, int count) {
        failures.put(path, count);
    }

    public List<Request> requests(String path) {
        return requests.getOrDefault(path, List.of());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** What a receiver computes to check a request: the hex HMAC-SHA256 of timestamp + "." + body. */
    public static String hmac(String secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the request carries a valid signature with this secret: sha256=hmac(timestamp + "." + body). */
    public static boolean signedWith(Request request, String secret) {
        return ("sha256=" + hmac(secret, request.header("Caravan-Timestamp") + "." + request.body()))
                .equals(request.header("Caravan-Signature"));
    }
}
