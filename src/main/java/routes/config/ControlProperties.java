package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param nodeId          this control node's name; it owns the lists of reports it is storing and of tasks it is
 *                        re-queueing, and takes them back after a crash. Must be stable across restarts and unique
 *                        among control nodes; the host name when empty.
 * @param heartbeatMillis how often a control node says it is alive (and looks for control nodes that are not)
 * @param nodeTimeout     a control node silent for longer is dead: a live one adopts what it had taken and not
 *                        finished (its reports and its reclaimed tasks)
 */
@ConfigurationProperties("caravan.control")
public record ControlProperties(String nodeId, long heartbeatMillis, Duration nodeTimeout) {

    public ControlProperties {
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = HostName.get();
        }
        if (!nodeId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException(
                    "caravan.control.node-id must be 1-128 characters of letters, digits, '.', '_' or '-', got: " + nodeId);
        }
        if (heartbeatMillis < 1 || nodeTimeout == null || nodeTimeout.toMillis() < 2 * heartbeatMillis) {
            throw new IllegalArgumentException("caravan.control.node-timeout must be at least twice"
                    + " caravan.control.heartbeat-millis, got " + nodeTimeout + " and " + heartbeatMillis + " ms");
        }
    }
}
