package routes.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import routes.message.AgentStatus;
import routes.message.CodeVersion;
import routes.message.InstallFailure;
import routes.message.TaskSpec;
import routes.redis.AgentLoad;

/**
 * Why a queued task waits, in the operator's words, from the fleet as it is now: the same tests the dispatcher
 * makes ({@link Fleet#takes}), taken one by one so the first that no agent passes is named. Pure: the fleet is given.
 */
public final class WaitReasons {

    private WaitReasons() {
    }

    /**
     * Why a task with this spec is not placed, given every agent known (live or not): "no live agent takes type
     * build", "no live agent that takes type build carries zone=a", "agent-3 is full (4 of 4 slots)", ...
     */
    public static String explain(TaskSpec task, List<AgentLoad> agents) {
        if (task.forWorker()) {
            return "it waits for a worker that takes type " + task.type() + (task.labels().isEmpty() ? "" : " and carries "
                    + task.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
                    .collect(Collectors.joining(", "))) + " to lease it (a payload task is never sent to an agent)";
        }
        List<AgentLoad> live = agents.stream().filter(AgentLoad::alive).toList();
        if (task.agent() != null) {
            Optional<AgentLoad> pinned = agents.stream().filter(a -> a.status().id().equals(task.agent())).findFirst();
            if (pinned.isEmpty()) {
                return "it is pinned to agent " + task.agent() + ", which has never sent a heartbeat";
            }
            if (!pinned.get().alive()) {
                return "it is pinned to agent " + task.agent() + ", which is dead (no heartbeat)";
            }
            live = List.of(pinned.get());
        }
        if (live.isEmpty()) {
            return agents.isEmpty() ? "no agent has ever sent a heartbeat" : "no agent is live (every known agent is dead)";
        }
        String scope = "takes type " + task.type();
        List<AgentLoad> candidates = live.stream().filter(a -> a.status().types().contains(task.type())).toList();
        if (candidates.isEmpty()) {
            return task.agent() != null ? "agent " + task.agent() + ", the one it is pinned to, does not take type "
                    + task.type() : "no live agent takes type " + task.type();
        }
        for (Map.Entry<String, String> label : task.labels().entrySet()) {
            List<AgentLoad> carrying = candidates.stream()
                    .filter(a -> label.getValue().equals(a.status().labels().get(label.getKey()))).toList();
            if (carrying.isEmpty()) {
                return task.agent() != null ? "agent " + task.agent() + ", the one it is pinned to, does not carry "
                        + label.getKey() + "=" + label.getValue()
                        : "no live agent that " + scope + " carries " + label.getKey() + "=" + label.getValue();
            }
            candidates = carrying;
        }
        if (!task.labels().isEmpty()) {
            scope += " and carries " + task.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .sorted().collect(Collectors.joining(", "));
        }
        if (task.code() != null) {
            CodeVersion code = task.code();
            List<AgentLoad> holding = candidates.stream().filter(a -> a.status().holds(code)).toList();
            if (holding.isEmpty()) {
                return (task.agent() != null ? "agent " + task.agent() + ", the one it is pinned to, does not hold "
                        : "no live agent that " + scope + " holds ") + code.project() + " " + code.version()
                        + installFailures(candidates, code);
            }
            candidates = holding;
            scope += " and holds " + code.project() + " " + code.version();
        }
        List<AgentLoad> busy = new ArrayList<>();
        for (AgentLoad agent : candidates) {
            if (busyBecause(agent) == null) {
                return "agent " + agent.status().id() + " can take it (" + agent.freeSlots() + " of "
                        + agent.status().slots() + " slots free): it goes at the next dispatch pass, after the tasks"
                        + " ahead of it";
            }
            busy.add(agent);
        }
        if (busy.size() == 1) {
            AgentLoad only = busy.get(0);
            return only.status().id() + " is " + busyBecause(only)
                    + (task.agent() != null ? "" : ", and it is the only live agent that " + scope);
        }
        if (busy.stream().allMatch(a -> a.status().draining())) {
            return "every agent that " + scope + " is draining (" + ids(busy) + ")";
        }
        if (busy.stream().allMatch(a -> !a.status().draining() && a.status().overloaded())) {
            return "every agent that " + scope + " is overloaded, CPU or memory above its threshold (" + ids(busy) + ")";
        }
        if (busy.stream().allMatch(a -> !a.status().draining() && !a.status().overloaded())) {
            return "every agent that " + scope + " is full: " + busy.stream()
                    .map(a -> a.status().id() + " (" + a.held() + " of " + a.status().slots() + " slots)")
                    .collect(Collectors.joining(", "));
        }
        return "every agent that " + scope + " is busy: " + busy.stream()
                .map(a -> a.status().id() + " is " + busyBecause(a)).collect(Collectors.joining(", "));
    }

    /** Why a live agent that may run the task takes nothing now; null when it would take it. */
    private static String busyBecause(AgentLoad agent) {
        AgentStatus status = agent.status();
        if (status.draining()) {
            return "draining";
        }
        if (status.overloaded()) {
            return "overloaded (CPU " + percent(status.cpu()) + ", memory " + percent(status.memory()) + ")";
        }
        if (agent.freeSlots() == 0) {
            return "full (" + agent.held() + " of " + status.slots() + " slots)";
        }
        return null;
    }

    private static String installFailures(List<AgentLoad> agents, CodeVersion code) {
        List<String> failed = new ArrayList<>();
        for (AgentLoad agent : agents) {
            for (InstallFailure failure : agent.status().installFailures()) {
                if (failure.project().equals(code.project()) && failure.version().equals(code.version())) {
                    failed.add(agent.status().id() + " could not install it: " + failure.error());
                }
            }
        }
        return failed.isEmpty() ? "" : " (" + String.join("; ", failed) + ")";
    }

    private static String ids(List<AgentLoad> agents) {
        return agents.stream().map(a -> a.status().id()).collect(Collectors.joining(", "));
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }
}
