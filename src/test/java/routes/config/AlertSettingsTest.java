package routes.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The alert settings as Spring binds them: a channel in caravan.alerts.channels is checked as one made through the
 * API, and a bad one stops the node at start with the entry and what to fix; the delivery backoff doubles up to its
 * most.
 */
class AlertSettingsTest {

    @Test
    void aChannelInTheConfigurationIsCheckedAndARefusalNamesTheEntryAndTheField() {
        assertThatThrownBy(() -> bind(Map.of("caravan.alerts.channels[0].name", "ops",
                "caravan.alerts.channels[0].kind", "webhook",
                "caravan.alerts.channels[0].url", "https://user:pw@hooks.example.com/x",
                "caravan.alerts.channels[0].secret", "0123456789abcdef")))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("caravan.alerts.channels[0]")
                .rootCause().hasMessageStartingWith("url must not hold a user or password");
        assertThatThrownBy(() -> bind(Map.of("caravan.alerts.channels[0].name", "ops",
                "caravan.alerts.channels[0].kind", "email", "caravan.alerts.channels[0].to", "ops@example.com",
                "caravan.alerts.channels[1].name", "ops",
                "caravan.alerts.channels[1].kind", "email", "caravan.alerts.channels[1].to", "oncall@example.com")))
                .rootCause().hasMessage("caravan.alerts.channels[1].name: \"ops\" is the name of an earlier channel;"
                        + " names must be unique");

        AlertChannelProperties bound = bind(Map.of("caravan.alerts.channels[0].name", "ops",
                "caravan.alerts.channels[0].kind", "email", "caravan.alerts.channels[0].to", "ops@example.com,b@example.com"));
        assertThat(bound.channels()).containsExactly(
                new ChannelSpec("ops", "email", null, null, List.of("ops@example.com", "b@example.com")));
        assertThat(bind(Map.of()).channels()).isEmpty();
    }

    @Test
    void theBackoffDoublesAfterEachFailedAttemptUpToItsMost() {
        AlertDeliveryProperties delivery = new AlertDeliveryProperties(5, Duration.ofSeconds(10), Duration.ofSeconds(35),
                Duration.ofSeconds(10), 1000, "caravan@example.com");
        assertThat(delivery.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(delivery.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(delivery.backoffAfter(3)).isEqualTo(Duration.ofSeconds(35));
        assertThat(delivery.backoffAfter(60)).isEqualTo(Duration.ofSeconds(35));
        assertThatThrownBy(() -> new AlertDeliveryProperties(5, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 1000, "caravan@example.com"))
                .hasMessageStartingWith("caravan.alerts.delivery.max-backoff must not be shorter");
    }

    private static AlertChannelProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("caravan.alerts", AlertChannelProperties.class);
    }
}
