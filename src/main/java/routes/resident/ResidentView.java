package routes.resident;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;
import routes.message.SecretEnv;
import routes.message.TaskSpec;

/**
 * A resident as the API shows it: its definition, the instances alive now, and when the next start may come
 * (null when it may come at once).
 */
public record ResidentView(String id, String name, int instances, @JsonSerialize(converter = SecretEnv.MaskedSpec.class) TaskSpec task, String restartBackoff,
                           String maxRestartBackoff, int failuresInARow,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant nextStartNotBefore,
                           List<Instance> alive, Instant createdAt, Instant updatedAt) {

    /** An instance: its task. */
    public record Instance(String taskId, String state, String agent) {
    }
}
