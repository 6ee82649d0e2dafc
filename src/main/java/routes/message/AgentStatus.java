package routes.message;

import java.util.List;
import java.util.Map;

/**
 * What an agent says about itself at every heartbeat.
 *
 * @param cpu      system CPU use since the previous heartbeat, 0..1
 * @param memory   share of physical memory in use, 0..1
 * @param load     one-minute load average divided by the number of logical processors
 * @param overloaded CPU or memory above the agent's thresholds: it starts nothing new and is offered nothing
 * @param draining   asked to drain, or stopping: it starts nothing new, is offered nothing and hands its inbox back
 * @param code       the code versions it holds: versions by project
 * @param installFailures registered code versions it could not install, each until it installs or is removed
 */
public record AgentStatus(String id, List<String> types, Map<String, String> labels, int slots,
                          double cpu, double memory, double load, int cores, long startedAt, long heartbeatAt,
                          boolean overloaded, boolean draining, Map<String, List<String>> code,
                          List<InstallFailure> installFailures) {

    public AgentStatus {
        code = code == null ? Map.of() : code;
        installFailures = installFailures == null ? List.of() : installFailures;
    }

    public boolean holds(CodeVersion version) {
        return code.getOrDefault(version.project(), List.of()).contains(version.version());
    }
}
