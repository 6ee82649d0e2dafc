package routes.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * An agent's health over HTTP, without a servlet container: {@code GET /actuator/health}, {@code /actuator/health/
 * liveness} and {@code /actuator/health/readiness} on {@code server.port} (8081), answered as the actuator answers
 * them on control nodes ({@code {"status":"UP"}}, 503 when down), from the same health contributors and groups. It
 * serves nothing else: an agent takes its work from Redis. The JDK's own small HTTP server runs it, on one thread.
 */
@Component
@Profile("agent")
public class AgentHealthServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AgentHealthServer.class);
    private static final String BASE = "/actuator/health";

    private final HealthEndpoint health;
    private final HttpCodeStatusMapper statuses;
    private final String address;
    private final int port;
    private volatile HttpServer server;

    public AgentHealthServer(HealthEndpoint health, HttpCodeStatusMapper statuses,
                             @Value("${server.address:}") String address, @Value("${server.port:8081}") int port) {
        this.health = health;
        this.statuses = statuses;
        this.address = address;
        this.port = port;
    }

    @Override
    public void start() {
        try {
            InetSocketAddress bind = address.isBlank() ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(address), port);
            HttpServer started = HttpServer.create(bind, 16);
            started.createContext("/", this::answer);
            started.start();
            server = started;
            log.info("Agent health at http://{}:{}{}", address.isBlank() ? "localhost" : address,
                    started.getAddress().getPort(), BASE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the agent's health on port " + port + " (server.port): "
                    + e.getMessage(), e);
        }
    }

    /** The port it serves on (server.port, or the one the system chose for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            HealthComponent found = switch (path) {
                case BASE, BASE + "/" -> health.health();
                case BASE + "/liveness" -> health.healthForPath("liveness");
                case BASE + "/readiness" -> health.healthForPath("readiness");
                default -> null;
            };
            if (found == null) {
                send(exchange, 404, "{\"status\":404,\"error\":\"Not Found\",\"message\":\"an agent serves "
                        + BASE + ", " + BASE + "/liveness and " + BASE + "/readiness only\"}");
            } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"status\":405,\"error\":\"Method Not Allowed\",\"message\":\"use GET\"}");
            } else {
                send(exchange, statuses.getStatusCode(found.getStatus()),
                        "{\"status\":\"" + found.getStatus().getCode() + "\"}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void stop() {
        HttpServer running = server;
        if (running != null) {
            running.stop(0);
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
