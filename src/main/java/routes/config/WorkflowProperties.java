package routes.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Workflows: graphs of tasks submitted in one request (POST /api/workflows).
 *
 * @param maxNodes              most tasks one workflow may hold
 * @param maxParentResultBytes  most bytes of a parent's result (a command's stdout, a worker's result JSON) its children
 *                              are given, at most 64 KiB (Linux takes at most 128 KiB in one environment
 *                              variable); the rest is cut off (the whole is in the parent's view)
 */
@ConfigurationProperties("caravan.workflows")
public record WorkflowProperties(int maxNodes, int maxParentResultBytes) {

    public WorkflowProperties {
        if (maxNodes < 1 || maxParentResultBytes < 0 || maxParentResultBytes > 65536) {
            throw new IllegalArgumentException("caravan.workflows.max-nodes must be at least 1 and"
                    + " max-parent-result-bytes 0-65536, got " + maxNodes + " and " + maxParentResultBytes);
        }
    }
}
