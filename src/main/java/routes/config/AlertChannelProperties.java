package routes.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Alert channels defined in the configuration ({@code caravan.alerts.channels}, a list). They sit beside the ones
 * made through /api/alert-channels, which cannot change them, and no channel made there may take one of their names.
 * The rest of {@code caravan.alerts} (rules, evaluation) is bound elsewhere; its keys are ignored here.
 *
 * @param channels each with a name, a kind (webhook or email), and a url and secret or to addresses (ChannelSpec)
 */
@ConfigurationProperties("caravan.alerts")
public record AlertChannelProperties(List<ChannelSpec> channels) {

    public AlertChannelProperties {
        channels = channels == null ? List.of() : List.copyOf(channels);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < channels.size(); i++) {
            if (!names.add(channels.get(i).name())) {
                throw new IllegalArgumentException("caravan.alerts.channels[" + i + "].name: \"" + channels.get(i).name()
                        + "\" is the name of an earlier channel; names must be unique");
            }
        }
    }

}
