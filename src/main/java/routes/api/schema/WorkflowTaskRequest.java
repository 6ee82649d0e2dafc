package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A task of a workflow (POST /api/workflows): its name in the workflow and its parents, with the fields of a task. */
@Schema(description = "a task of a workflow: its name and parents, and a task's fields (no key, no target)")
public class WorkflowTaskRequest extends TaskFields {

    @Schema(description = "its name in the workflow, unique in it without regard to case; its children's environment"
            + " variables are named after it (CARAVAN_PARENT_<NAME>_RESULT)", pattern = "[A-Za-z0-9_]{1,64}",
            requiredMode = Schema.RequiredMode.REQUIRED, example = "fetch")
    public String name;

    @ArraySchema(arraySchema = @Schema(description = "the names of its parents: it waits until they succeeded"
            + " (default: none, it runs at once)", example = "[\"fetch\"]"))
    public List<String> dependsOn;

    @Schema(description = "when a parent fails for good: cancel (it ends CANCELLED, and so do its own dependants that"
            + " cancel) or run (it runs once every parent ended); only with dependsOn",
            allowableValues = {"cancel", "run"}, defaultValue = "cancel")
    public String whenParentFails;
}
