package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** What each fire of a job runs: the fields of a task without its key (each fire makes its own task). */
@Schema(description = "a task without key: what each fire of a job runs")
public class JobTask extends ResidentTask {

    @Schema(description = "how often a failed attempt is tried again (default: one attempt)")
    public RetryRequest retry;

    @Schema(description = "\"all\": a broadcast, one run on every live agent that takes the type and labels",
            allowableValues = {"all"})
    public String target;

    @Schema(description = "instead of command or shell: work for a worker of the task's type (any JSON, at most"
            + " caravan.workers.max-payload-bytes), leased over /api/workers and never sent to an agent;"
            + " not with env, workdir, agent, target or code",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    public Object payload;

    @Schema(description = "a url that hears how the task ended: a signed POST of its final view; refused unless"
            + " caravan.callbacks.allowed-urls takes it", maxLength = 2000, example = "https://hooks.example.com/caravan")
    public String callback;
}
