package routes.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param nodeId this control node's name; it owns the list of reports it is storing, and takes that list
 *               back after a crash. Must be stable across restarts and unique among control nodes; the host
 *               name when empty.
 */
@ConfigurationProperties("caravan.control")
public record ControlProperties(String nodeId) {

    public ControlProperties {
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = HostName.get();
        }
        if (!nodeId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException(
                    "caravan.control.node-id must be 1-128 characters of letters, digits, '.', '_' or '-', got: " + nodeId);
        }
    }
}
