package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * What a resident's instances run (routes.task.TaskRequests): the fields of a task without its key, retry policy,
 * target or callback. A workflow's task adds retry, payload and callback ({@link TaskFields}), and its name and
 * parents; a job's task also target ({@link JobTask}); a submitted task also the key ({@link TaskRequest}). Classes,
 * not records, so each field is told once. Exactly one of command and shell.
 */
@Schema(description = "a task without key, retry, target and callback: what a resident's instances run")
public class ResidentTask {

    @ArraySchema(arraySchema = @Schema(description = "the argument vector, run without a shell; exactly one of"
            + " command and shell", example = "[\"echo\", \"hello\"]"), minItems = 1)
    public List<String> command;

    @Schema(description = "a script run by /bin/sh -c, instead of command")
    public String shell;

    @Schema(description = "which agents may take it", pattern = "[A-Za-z0-9._-]{1,64}", defaultValue = "default")
    public String type;

    @Schema(description = "the command's environment (the agent's own is not passed on)")
    public Map<String, String> env;

    @Schema(description = "absolute working directory (default: the agent's caravan.agent.default-workdir)")
    public String workdir;

    @Schema(description = "the whole process tree is killed after this (default: caravan.tasks.default-timeout-seconds)",
            minimum = "1")
    public Integer timeoutSeconds;

    @Schema(description = "urgent tasks of a type are dispatched before normal ones",
            allowableValues = {"urgent", "normal"}, defaultValue = "normal")
    public String priority;

    @Schema(description = "every label must be carried, with the same value, by the agent")
    public Map<String, String> labels;

    @Schema(description = "pins the task to the agent with this id", pattern = "[A-Za-z0-9._-]{1,128}")
    public String agent;

    @Schema(description = "the code version it needs: it runs only on agents that hold it")
    public CodeRequest code;
}
