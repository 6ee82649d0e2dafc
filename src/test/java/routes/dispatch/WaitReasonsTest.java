package routes.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import routes.message.AgentStatus;
import routes.message.CodeVersion;
import routes.message.InstallFailure;
import routes.message.TaskSpec;
import routes.redis.AgentLoad;

/** Why a queued task waits, in words, from the fleet as it is. */
class WaitReasonsTest {

    @Test
    void noLiveAgentTakesTheType() {
        assertThat(WaitReasons.explain(task("build", Map.of()), List.of(agent("a1", "default", Map.of(), 4, 0))))
                .isEqualTo("no live agent takes type build");
    }

    @Test
    void noLiveAgentCarriesTheLabel() {
        assertThat(WaitReasons.explain(task("build", Map.of("zone", "a")),
                List.of(agent("a1", "build", Map.of("zone", "b"), 4, 0))))
                .isEqualTo("no live agent that takes type build carries zone=a");
    }

    @Test
    void theOnlyAgentIsFull() {
        assertThat(WaitReasons.explain(task("build", Map.of()), List.of(agent("agent-3", "build", Map.of(), 4, 4))))
                .startsWith("agent-3 is full (4 of 4 slots)");
    }

    @Test
    void everyAgentIsDraining() {
        List<AgentLoad> fleet = List.of(draining(agent("a1", "build", Map.of(), 4, 0)),
                draining(agent("a2", "build", Map.of(), 4, 1)));
        assertThat(WaitReasons.explain(task("build", Map.of()), fleet))
                .isEqualTo("every agent that takes type build is draining (a1, a2)");
    }

    @Test
    void noAgentHoldsTheCodeVersionAndTheInstallErrorIsTold() {
        AgentLoad failing = agent("a1", "build", Map.of(), 4, 0, Map.of(),
                List.of(new InstallFailure("shop", "1.4.2", "sha256 mismatch", 2, 0, 0)));
        TaskSpec needsShop = new TaskSpec("build", List.of("true"), null, Map.of(), null, 60, TaskSpec.NORMAL, Map.of(),
                null, null, null, new CodeVersion("shop", "1.4.2"), null, null);
        assertThat(WaitReasons.explain(needsShop, List.of(failing)))
                .isEqualTo("no live agent that takes type build holds shop 1.4.2 (a1 could not install it: sha256 mismatch)");
    }

    @Test
    void aPinnedAgentThatIsDeadOrUnknownIsNamed() {
        TaskSpec pinned = task("build", Map.of()).pinnedTo("gone");
        assertThat(WaitReasons.explain(pinned, List.of(dead(agent("gone", "build", Map.of(), 4, 0)))))
                .isEqualTo("it is pinned to agent gone, which is dead (no heartbeat)");
        assertThat(WaitReasons.explain(pinned, List.of()))
                .isEqualTo("it is pinned to agent gone, which has never sent a heartbeat");
    }

    @Test
    void aPinnedAgentThatIsFullIsNamedEvenWhenOthersAreFree() {
        TaskSpec pinned = task("build", Map.of()).pinnedTo("a1");
        assertThat(WaitReasons.explain(pinned, List.of(agent("a1", "build", Map.of(), 2, 2), agent("a2", "build", Map.of(), 2, 0))))
                .isEqualTo("a1 is full (2 of 2 slots)");
    }

    @Test
    void mixedReasonsAreToldPerAgent() {
        List<AgentLoad> fleet = List.of(draining(agent("a1", "build", Map.of(), 4, 0)), agent("a2", "build", Map.of(), 1, 1));
        assertThat(WaitReasons.explain(task("build", Map.of()), fleet))
                .isEqualTo("every agent that takes type build is busy: a1 is draining, a2 is full (1 of 1 slots)");
    }

    @Test
    void anAgentThatCanTakeItSaysTheNextPassWill() {
        assertThat(WaitReasons.explain(task("build", Map.of()), List.of(agent("a1", "build", Map.of(), 4, 1))))
                .startsWith("agent a1 can take it (3 of 4 slots free)");
    }

    @Test
    void noAgentAtAll() {
        assertThat(WaitReasons.explain(task("build", Map.of()), List.of())).isEqualTo("no agent has ever sent a heartbeat");
        assertThat(WaitReasons.explain(task("build", Map.of()), List.of(dead(agent("a1", "build", Map.of(), 1, 0)))))
                .isEqualTo("no agent is live (every known agent is dead)");
    }

    private static TaskSpec task(String type, Map<String, String> labels) {
        return new TaskSpec(type, List.of("true"), null, Map.of(), null, 60, TaskSpec.NORMAL, labels, null, null, null, null, null, null);
    }

    private static AgentLoad agent(String id, String type, Map<String, String> labels, int slots, int held) {
        return agent(id, type, labels, slots, held, Map.of(), List.of());
    }

    private static AgentLoad agent(String id, String type, Map<String, String> labels, int slots, int held,
                                   Map<String, List<String>> code, List<InstallFailure> failures) {
        return new AgentLoad(new AgentStatus(id, List.of(type), labels, slots, 0.1, 0.2, 0.1, 2, 0, 0, false, false,
                code, failures), held, true, 0);
    }

    private static AgentLoad draining(AgentLoad agent) {
        AgentStatus s = agent.status();
        return new AgentLoad(new AgentStatus(s.id(), s.types(), s.labels(), s.slots(), s.cpu(), s.memory(), s.load(),
                s.cores(), s.startedAt(), s.heartbeatAt(), false, true, s.code(), s.installFailures()), agent.held(), true,
                agent.heartbeatAge());
    }

    private static AgentLoad dead(AgentLoad agent) {
        return new AgentLoad(agent.status(), agent.held(), false, agent.heartbeatAge());
    }
}
