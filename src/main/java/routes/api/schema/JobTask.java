package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** What each fire of a job runs: the fields of a task without its key (each fire makes its own task). */
@Schema(description = "a task without key: what each fire of a job runs")
public class JobTask extends TaskFields {

    @Schema(description = "\"all\": a broadcast, one run on every live agent that takes the type and labels",
            allowableValues = {"all"})
    public String target;
}
