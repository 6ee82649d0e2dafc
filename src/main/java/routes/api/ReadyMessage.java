package routes.api;

import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import routes.access.FirstAdmin;
import routes.config.ControlRole;

/** Once the API is up, says where: the console and how to log in, and how to submit a first task with the admin token. */
@Component
@ControlRole
public class ReadyMessage {

    private static final Logger log = LoggerFactory.getLogger(ReadyMessage.class);

    private final AdminToken token;
    private final FirstAdmin firstAdmin;

    public ReadyMessage(AdminToken token, FirstAdmin firstAdmin) {
        this.token = token;
        this.firstAdmin = firstAdmin;
    }

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : 8080;
        String password = Files.exists(firstAdmin.file()) ? "the password in " + firstAdmin.file()
                : "your password";
        String bearer = token.file() != null ? "$(cat " + token.file() + ")" : "$CARAVAN_SECURITY_ADMIN_TOKEN";
        log.info("""
                Caravan ready. Console: http://localhost:{}/ (log in as {} with {}).
                API: http://localhost:{}/api. Submit a task:
                  curl -H "Authorization: Bearer {}" -H 'Content-Type: application/json' \\
                       -d '{"command": ["echo", "hello"]}' http://localhost:{}/api/tasks
                then GET /api/tasks/<id> with the same header.""", port, FirstAdmin.NAME, password, port, bearer, port);
    }
}
