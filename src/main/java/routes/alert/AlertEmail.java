package routes.alert;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.apache.camel.component.mail.JavaMailSender;
import org.springframework.boot.autoconfigure.mail.MailProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import routes.config.AlertDeliveryProperties;
import routes.config.ChannelSpec;
import routes.config.ControlRole;

/**
 * An alert notice as an email: a plain-text subject and body in words, and the SMTP server it is sent through,
 * set the Spring Boot way (spring.mail.host, port, username, password, protocol, properties.*).
 */
@Configuration(proxyBeanMethods = false)
@ControlRole
public class AlertEmail {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** "[Caravan] FIRING: agent a1 is dead" */
    public String subject(AlertNotice notice) {
        return oneLine("[Caravan] " + notice.state() + ": " + notice.summary());
    }

    public String body(AlertNotice notice) {
        StringBuilder text = new StringBuilder();
        text.append(notice.summary()).append("\n\n");
        line(text, "State", notice.state());
        line(text, "Rule", notice.rule() + " (" + notice.kind() + ")");
        line(text, "About", notice.subject());
        line(text, "Since", time(notice.startedAt()));
        if (notice.resolvedAt() != null) {
            line(text, "Resolved", time(notice.resolvedAt()));
        }
        line(text, "Incident", Long.toString(notice.incidentId()));
        line(text, "Notice", notice.id() + ", made " + time(notice.at()));
        text.append("\nGET /api/alerts/").append(notice.id()).append("/deliveries lists where this notice went.\n");
        return text.toString();
    }

    /** The addresses of an email channel, as the To: header takes them. */
    public String to(ChannelSpec channel) {
        return String.join(", ", channel.to() == null ? List.of() : channel.to());
    }

    /**
     * The SMTP server from spring.mail.*: the sender camel-mail's smtp endpoint uses (alert-delivery.yaml). Each
     * wait on the server (connecting, writing, reading) is bounded by caravan.alerts.delivery.timeout unless
     * spring.mail.properties sets its own.
     */
    @Bean
    public JavaMailSender alertMailSender(Environment environment, AlertDeliveryProperties delivery) {
        MailProperties mail = Binder.get(environment).bind("spring.mail", MailProperties.class).orElseGet(MailProperties::new);
        DefaultJavaMailSender sender = new DefaultJavaMailSender();
        sender.setHost(mail.getHost() == null ? "localhost" : mail.getHost());
        sender.setPort(mail.getPort() == null ? -1 : mail.getPort());
        sender.setProtocol(mail.getProtocol());
        sender.setUsername(mail.getUsername());
        sender.setPassword(mail.getPassword());
        Properties properties = new Properties();
        String timeout = Long.toString(delivery.timeout().toMillis());
        for (String wait : List.of("connectiontimeout", "timeout", "writetimeout")) {
            properties.setProperty("mail." + mail.getProtocol() + "." + wait, timeout);
        }
        properties.putAll(mail.getProperties());
        sender.setJavaMailProperties(properties);
        return sender;
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(label).append(": ").append(value == null ? "-" : oneLine(value)).append('\n');
    }

    private static String time(Instant at) {
        return at == null ? "-" : TIME.format(at);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
