package routes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.message.RegisteredVersion;
import routes.message.UrlCredentials;

/** Validates code version registrations at the edge: names, an http(s) URL without credentials, a SHA-256 in hex. */
@Component
@ControlRole
public class VersionRequests {

    private static final Set<String> FIELDS = Set.of("project", "version", "url", "sha256");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int MAX_URL = 2000;

    private final RequestJson json;

    public VersionRequests(RequestJson json) {
        this.json = json;
    }

    public RegisteredVersion parse(String body) {
        JsonNode node = json.object(body, " such as {\"project\": \"shop\", \"version\": \"1.4.2\", \"url\":"
                + " \"https://files.example/shop-1.4.2.tar.gz\", \"sha256\": \"<64 hex digits>\"}");
        RequestJson.onlyFields(node, "", "version", FIELDS);
        String project = required(node, "project");
        String version = required(node, "version");
        TaskRequests.codeVersion("", project, version);
        String url = required(node, "url");
        if (UrlCredentials.present(url)) {
            // never echoed: the answer, like the registration, would show them
            throw ApiException.badRequest("url must not carry a user name or password (user:password@host): a"
                    + " registered URL is stored, shown by GET /api/versions and named in agents' logs. Publish the"
                    + " archive where agents can download it without credentials");
        }
        if (url.length() > MAX_URL || !isHttp(url)) {
            throw ApiException.badRequest("url must be an http or https URL of a zip or tar.gz archive (at most "
                    + MAX_URL + " characters), got \"" + (url.length() > 100 ? url.substring(0, 100) + "..." : url) + "\"");
        }
        String sha256 = required(node, "sha256");
        if (!SHA256.matcher(sha256).matches()) {
            throw ApiException.badRequest("sha256 must be the archive's SHA-256 as 64 hex digits (sha256sum prints it)");
        }
        return new RegisteredVersion(project, version, url, sha256.toLowerCase(Locale.ROOT));
    }

    private static String required(JsonNode node, String field) {
        String value = RequestJson.text(node, "", field, null);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(field + " is required");
        }
        return value;
    }

    private static boolean isHttp(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
