package routes.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/** Once the API is up, says where, and how to submit a first task with the admin token. */
@Component
@ControlRole
public class ReadyMessage {

    private static final Logger log = LoggerFactory.getLogger(ReadyMessage.class);

    private final AdminToken token;

    public ReadyMessage(AdminToken token) {
        this.token = token;
    }

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : 8080;
        String bearer = token.file() != null ? "$(cat " + token.file() + ")" : "$CARAVAN_SECURITY_ADMIN_TOKEN";
        log.info("""
                Caravan API ready on http://localhost:{}/api. Submit a task:
                  curl -H "Authorization: Bearer {}" -H 'Content-Type: application/json' \\
                       -d '{"command": ["echo", "hello"]}' http://localhost:{}/api/tasks
                then GET /api/tasks/<id> with the same header.""", port, bearer, port);
    }
}
