package routes.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for a node's API, with the admin token. */
public class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public Api(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public record Response(int status, JsonNode body, HttpHeaders headers) {
        public String text(String field) {
            return body.path(field).asText(null);
        }
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), token);
    }

    public Response put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), token);
    }

    public Response delete(String path) {
        return send(request(path).DELETE(), token);
    }

    /** A created job's id; fails the test unless the job was accepted. */
    public String createJob(String json) {
        Response response = post("/api/jobs", json);
        if (response.status() != 201) {
            throw new AssertionError("job refused: " + response.status() + " " + response.body());
        }
        return response.text("id");
    }

    /** The tasks a job made, newest first. */
    public JsonNode runs(String jobId) {
        return get("/api/jobs/" + jobId + "/runs?limit=500").body().path("tasks");
    }

    public Response get(String path) {
        return send(request(path).GET(), token);
    }

    /** Sends as given, with no token unless {@code token} is set. */
    public Response send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Response(response.statusCode(), parse(body), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body as JSON, or as one text node when it is not JSON (a web page). */
    private static JsonNode parse(String body) {
        if (body == null || body.isEmpty()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    /** Whether the node answers its readiness probe: started, routes running. False while it cannot be reached. */
    public boolean ready() {
        try {
            return get("/actuator/health/readiness").status() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** A submitted task's id; fails the test unless the submission was accepted. */
    public String submit(String json) {
        Response response = post("/api/tasks", json);
        if (response.status() != 201 && response.status() != 200) {
            throw new AssertionError("submission refused: " + response.status() + " " + response.body());
        }
        return response.text("id");
    }

    /** The agent's entry in GET /api/agents ({"status", "held", "alive"}); a missing node before its first heartbeat. */
    public JsonNode agent(String id) {
        for (JsonNode entry : get("/api/agents").body()) {
            if (entry.path("status").path("id").asText().equals(id)) {
                return entry;
            }
        }
        return JSON.missingNode();
    }

    public JsonNode task(String id) {
        return get("/api/tasks/" + id).body();
    }

    /** A token of the role worker, of the user admin, that serves these task types (this Api must be an admin's). */
    public String workerToken(String... types) {
        Response made = post("/api/tokens", "{\"name\": \"worker\", \"role\": \"worker\", \"user\": \"admin\","
                + " \"types\": [\"" + String.join("\", \"", types) + "\"]}");
        if (made.status() != 201) {
            throw new AssertionError("worker token refused: " + made.status() + " " + made.body());
        }
        return made.text("token");
    }

    /** Where the node serves: "http://127.0.0.1:port". */
    public String base() {
        return base;
    }

    /** The same node's API with another token (null: none). */
    public Api as(String otherToken) {
        return new Api(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherToken);
    }

    /** A browser's login: the cookies it keeps, and the CSRF token it sends back on changes. */
    public record Session(String cookies, String xsrf, Response login) {

        /** The request with the session's cookies and, when it may change something, its CSRF token. */
        public HttpRequest.Builder with(HttpRequest.Builder request, boolean change) {
            request.header("Cookie", cookies);
            if (change) {
                request.header("X-XSRF-TOKEN", xsrf);
            }
            return request;
        }
    }

    /** Logs in as the console does; the session is empty when the login was refused (see its {@code login}). */
    public Session login(String name, String password) {
        Response login = send(request("/api/session").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("name", name)
                        .put("password", password).toString())), null);
        // as a browser keeps them: the last value of each name, none for an emptied one
        Map<String, String> kept = new LinkedHashMap<>();
        for (String setCookie : login.headers().allValues("Set-Cookie")) {
            String[] pair = setCookie.split(";", 2)[0].split("=", 2);
            if (pair.length < 2 || pair[1].isEmpty()) {
                kept.remove(pair[0]);
            } else {
                kept.put(pair[0], pair[1]);
            }
        }
        String cookies = kept.entrySet().stream().map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                .collect(Collectors.joining("; "));
        return new Session(cookies, kept.get("XSRF-TOKEN"), login);
    }

    /** Sends with a session's cookies (and CSRF token on changes), without a bearer token. */
    public Response send(Session session, HttpRequest.Builder request) {
        HttpRequest built = request.build();
        return send(session.with(request, !built.method().equals("GET") && !built.method().equals("HEAD")), null);
    }
}
