package routes.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.NotFound;
import routes.domain.Page;
import routes.message.TaskState;

/** Reads of the workflows (tables workflows and workflow_tasks, with their tasks' states): for the API and the store. */
@Component
@ControlRole
public class WorkflowQueries {

    private final JdbcClient sql;
    private final JsonCodec json;

    public WorkflowQueries(JdbcClient sql, JsonCodec json) {
        this.sql = sql;
        this.json = json;
    }

    /** A task of a workflow as its graph has it: what never changes once it is stored. */
    record Node(String workflowId, String name, String taskId, List<String> dependsOn, String whenParentFails) {

        /** Whether it ends CANCELLED when a parent fails for good (else it runs once every parent ended). */
        boolean cancelsWhenAParentFails() {
            return !NewWorkflow.RUN.equals(whenParentFails);
        }
    }

    /** The graph of a workflow, its tasks in the order they were given; empty when there is no such workflow. */
    List<Node> nodes(String workflowId) {
        return sql.sql("SELECT workflow_id, name, task_id, depends_on, when_parent_fails FROM workflow_tasks"
                        + " WHERE workflow_id = ? ORDER BY position")
                .param(workflowId).query(this::node).list();
    }

    /** The workflow made with this idempotency key, if any. */
    Optional<String> idByKey(String key) {
        return sql.sql("SELECT id FROM workflows WHERE idempotency_key = ?").param(key).query(String.class).optional();
    }

    /** The workflow with its tasks; {@link NotFound} when unknown. */
    public WorkflowView get(String id) {
        Header header = sql.sql("SELECT id, name, idempotency_key, created_at FROM workflows WHERE id = ?").param(id)
                .query(WorkflowQueries::header).optional()
                .orElseThrow(() -> new NotFound("no workflow with id " + id));
        List<WorkflowView.Task> tasks = new ArrayList<>();
        Map<String, Long> states = noStates();
        long[] finished = {0};
        sql.sql("SELECT w.name, w.task_id, w.depends_on, w.when_parent_fails, t.state, t.finished_at FROM workflow_tasks w"
                        + " JOIN tasks t ON t.id = w.task_id WHERE w.workflow_id = ? ORDER BY w.position")
                .param(id)
                .query(rs -> {
                    tasks.add(new WorkflowView.Task(rs.getString(1), rs.getString(2), rs.getString(5),
                            List.of(json.read(rs.getString(3), String[].class)), rs.getString(4)));
                    states.merge(rs.getString(5), 1L, Long::sum);
                    finished[0] = Math.max(finished[0], rs.getLong(6));
                });
        return header.view(states, finished[0], tasks);
    }

    /** A page of workflows, newest first, without their tasks: how many of them are in each state instead. */
    public Map<String, Object> list(Page page) {
        long total = sql.sql("SELECT COUNT(*) FROM workflows").query(Long.class).single();
        List<Header> headers = sql.sql("SELECT id, name, idempotency_key, created_at FROM workflows"
                        + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(page.limit(), page.offset()).query(WorkflowQueries::header).list();
        Map<String, Map<String, Long>> states = new HashMap<>();
        Map<String, Long> finished = new HashMap<>();
        if (!headers.isEmpty()) {
            String marks = String.join(", ", Collections.nCopies(headers.size(), "?"));
            sql.sql("SELECT workflow_id, state, COUNT(*), MAX(finished_at) FROM tasks WHERE workflow_id IN (" + marks
                            + ") GROUP BY workflow_id, state")
                    .params(headers.stream().map(Header::id).toList())
                    .query(rs -> {
                        states.computeIfAbsent(rs.getString(1), id -> noStates()).put(rs.getString(2), rs.getLong(3));
                        finished.merge(rs.getString(1), rs.getLong(4), Math::max);
                    });
        }
        return page.body("workflows", headers.stream().map(header -> header.view(
                states.getOrDefault(header.id(), noStates()), finished.getOrDefault(header.id(), 0L), null)).toList(),
                total);
    }

    /**
     * For a WAITING task of a workflow, what it waits for, in words: its parents that have not ended, with their
     * states; empty when it is no workflow's.
     */
    public Optional<String> waitingFor(String taskId) {
        Optional<Node> node = sql.sql("SELECT workflow_id, name, task_id, depends_on, when_parent_fails"
                        + " FROM workflow_tasks WHERE task_id = ?")
                .param(taskId).query(this::node).optional();
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> states = new LinkedHashMap<>();
        sql.sql("SELECT w.name, t.state FROM workflow_tasks w JOIN tasks t ON t.id = w.task_id WHERE w.workflow_id = ?")
                .param(node.get().workflowId())
                .query(rs -> {
                    states.put(rs.getString(1), rs.getString(2));
                });
        String pending = node.get().dependsOn().stream()
                .filter(parent -> !TaskState.valueOf(states.getOrDefault(parent, "SUCCEEDED")).isTerminal())
                .map(parent -> parent + " (" + states.get(parent) + ")")
                .collect(Collectors.joining(", "));
        return Optional.of("it waits for its parents in workflow " + node.get().workflowId() + " to end: "
                + (pending.isEmpty() ? "they have ended; it moves on in a moment" : pending));
    }

    private Node node(ResultSet rs, int row) throws SQLException {
        return new Node(rs.getString("workflow_id"), rs.getString("name"), rs.getString("task_id"),
                List.of(json.read(rs.getString("depends_on"), String[].class)), rs.getString("when_parent_fails"));
    }

    /** Every state a task may be in, each counted 0, in the order of TaskState. */
    private static Map<String, Long> noStates() {
        Map<String, Long> states = new LinkedHashMap<>();
        for (TaskState state : TaskState.values()) {
            states.put(state.name(), 0L);
        }
        return states;
    }

    private record Header(String id, String name, String key, long createdAt) {

        /** The view, with the states that some task is in (in the order of TaskState). */
        WorkflowView view(Map<String, Long> states, long finishedAt, List<WorkflowView.Task> tasks) {
            String state = WorkflowView.stateOf(states);
            Map<String, Long> held = new LinkedHashMap<>();
            states.forEach((name, count) -> {
                if (count > 0) {
                    held.put(name, count);
                }
            });
            return new WorkflowView(id, name, key, state, Instant.ofEpochMilli(createdAt),
                    state.equals(WorkflowView.RUNNING) || finishedAt == 0 ? null : Instant.ofEpochMilli(finishedAt),
                    held, tasks);
        }
    }

    private static Header header(ResultSet rs, int row) throws SQLException {
        return new Header(rs.getString("id"), rs.getString("name"), rs.getString("idempotency_key"),
                rs.getLong("created_at"));
    }
}
