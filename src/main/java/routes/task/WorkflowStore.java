package routes.task;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.config.WorkflowProperties;
import routes.message.TaskSpec;
import routes.message.TaskState;
import routes.task.ParentInputs.Parent;
import routes.task.WorkflowQueries.Node;

/**
 * Workflows, graphs of tasks (tables workflows and workflow_tasks, and their tasks' rows in tasks): stores a graph with
 * its tasks, moves a WAITING task on when its parents end, and cancels what of a workflow has not ended. A task with
 * parents is WAITING, which nothing that queues or dispatches looks at, until its parents let it run: it is QUEUED, with
 * their results ({@link ParentInputs}), once all of them SUCCEEDED, or, with whenParentFails run, once all ended; it
 * ends CANCELLED, naming the parent, as soon as one failed for good (FAILED or TIMED_OUT with no attempt left, or
 * CANCELLED), unless it runs anyway. All of it happens in the transaction that ends the parent, so no crash loses it.
 */
@Component
@ControlRole
public class WorkflowStore {

    private static final String ENDED_STATES = "('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')";

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final JsonCodec json;
    private final WorkflowQueries workflows;
    private final TaskQueries tasks;
    private final TaskEvents events;
    private final TaskMeters meters;
    private final OutputStore outputs;
    private final CallbackStore callbacks;
    private final ReleasedTasks released;
    private final int resultLimit;
    private final Clock clock = Clock.systemUTC();

    public WorkflowStore(JdbcClient sql, JdbcTemplate batch, JsonCodec json, WorkflowQueries workflows,
                         TaskQueries tasks, TaskEvents events, TaskMeters meters, OutputStore outputs,
                         CallbackStore callbacks, ReleasedTasks released, WorkflowProperties settings) {
        this.sql = sql;
        this.batch = batch;
        this.json = json;
        this.workflows = workflows;
        this.tasks = tasks;
        this.events = events;
        this.meters = meters;
        this.outputs = outputs;
        this.callbacks = callbacks;
        this.released = released;
        this.resultLimit = settings.maxParentResultBytes();
    }

    /**
     * Stores a new workflow, its tasks (QUEUED those without parents, WAITING the others) and its graph in one
     * transaction; or returns the workflow made with the same key before. Read committed, as a task's submission:
     * after losing a race on the key, the winner's row must be visible to the re-read.
     */
    @Transactional(isolation = Isolation.READ_COMMITTED)
    public SubmittedWorkflow submit(NewWorkflow workflow) {
        if (workflow.key() != null) {
            Optional<String> known = workflows.idByKey(workflow.key());
            if (known.isPresent()) {
                return new SubmittedWorkflow(workflows.get(known.get()), false, List.of());
            }
        }
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        try {
            sql.sql("INSERT INTO workflows (id, name, idempotency_key, created_at) VALUES (?, ?, ?, ?)")
                    .params(id, workflow.name(), workflow.key(), now).update();
        } catch (DuplicateKeyException raced) {
            // another request with the same key committed first
            return new SubmittedWorkflow(workflows.get(workflows.idByKey(workflow.key()).orElseThrow()), false, List.of());
        }
        List<Object[]> taskRows = new ArrayList<>();
        List<Object[]> graphRows = new ArrayList<>();
        List<TaskEvents.Line> lines = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        for (NewWorkflow.Task task : workflow.tasks()) {
            String taskId = UUID.randomUUID().toString();
            TaskSpec spec = task.spec();
            boolean waits = !task.dependsOn().isEmpty();
            TaskState state = waits ? TaskState.WAITING : TaskState.QUEUED;
            taskRows.add(new Object[] {taskId, spec.type(), spec.priority(), state.name(), json.write(spec), now,
                    spec.callback(), id});
            graphRows.add(new Object[] {id, task.name(), taskId, graphRows.size(), json.write(task.dependsOn()),
                    task.whenParentFails()});
            lines.add(new TaskEvents.Line(taskId, now, state, null, 0, "submitted: task " + task.name() + " of workflow "
                    + id + (waits ? "; it waits for " + String.join(", ", task.dependsOn()) : ""), null));
            if (!waits) {
                queued.add(taskId);
            }
        }
        batch.batchUpdate("INSERT INTO tasks (id, type, priority, state, spec, attempt, created_at, callback, workflow_id)"
                + " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)", taskRows);
        batch.batchUpdate("INSERT INTO workflow_tasks (workflow_id, name, task_id, position, depends_on, when_parent_fails)"
                + " VALUES (?, ?, ?, ?, ?, ?)", graphRows);
        events.addAll(lines);
        workflow.tasks().forEach(task -> meters.submitted(task.spec().type()));
        return new SubmittedWorkflow(workflows.get(id), true,
                queued.stream().map(taskId -> tasks.find(taskId).orElseThrow()).toList());
    }

    /** A task of a workflow that ended for good, as its children are told of it. */
    private record Ending(String workflowId, Parent parent) {
    }

    /**
     * In the caller's transaction, the one that ended these tasks for good (any task may be given: those of no workflow
     * cost one indexed read): each WAITING child of theirs records the ending, and is QUEUED once its parents let it
     * run, or CANCELLED when one failed for good and it does not run anyway; a child cancelled so is an ending in turn,
     * told to its own children. A child's task row is locked before its record of parents is read (a locking read:
     * the latest committed) and written, so two parents ending at once on two control nodes are told one after the
     * other and the second sees the first. Once the caller's transaction commits, the released tasks go to their
     * queues ({@link ReleasedTasks}).
     */
    void ended(Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(taskIds.size(), "?"));
        List<EndedTask> ended = sql.sql("SELECT w.workflow_id, w.name, t.id, t.state, t.attempt FROM tasks t"
                        + " JOIN workflow_tasks w ON w.task_id = t.id WHERE t.id IN (" + marks + ")"
                        + " AND t.state IN " + ENDED_STATES)
                .params(List.copyOf(taskIds))
                .query((rs, n) -> new EndedTask(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5)))
                .list();
        Deque<Ending> endings = new ArrayDeque<>(ended.stream().map(this::ending).toList());
        Map<String, List<Node>> graphs = new HashMap<>();
        List<String> queued = new ArrayList<>();
        while (!endings.isEmpty()) {
            Ending ending = endings.poll();
            List<Node> graph = graphs.computeIfAbsent(ending.workflowId(), workflows::nodes);
            // in the order of their ids, as every transaction locks them: two endings never wait on each other
            List<Node> children = graph.stream().filter(node -> node.dependsOn().contains(ending.parent().name()))
                    .sorted(Comparator.comparing(Node::taskId)).toList();
            for (Node child : children) {
                tell(child, ending, endings, queued);
            }
        }
        if (!queued.isEmpty()) {
            List<TaskView> views = queued.stream().map(id -> tasks.find(id).orElseThrow()).toList();
            TaskMeters.afterCommit(() -> released.handOver(views));
        }
    }

    /** A task of a workflow as it ended in this transaction: its workflow, its name in it, its id, state and attempt. */
    private record EndedTask(String workflowId, String name, String taskId, String state, int attempt) {
    }

    /** A parent that ended, with its result: what its current attempt recorded (its stdout, or its worker's result). */
    private Ending ending(EndedTask task) {
        RecordedOutput output = task.state().equals(TaskState.CANCELLED.name()) ? RecordedOutput.NONE
                : outputs.of(task.taskId(), task.attempt());
        return new Ending(task.workflowId(), Parent.ended(task.name(), task.taskId(), task.state(), output.stdout(),
                output.result(), resultLimit));
    }

    /** Tells a child that a parent ended: it records it, then waits on, is released, or is cancelled (an ending too). */
    private void tell(Node child, Ending ending, Deque<Ending> endings, List<String> queued) {
        if (!TaskState.WAITING.name().equals(lockedState(child.taskId()))) {
            return; // released or cancelled already (by hand, or with its workflow)
        }
        String recorded = sql.sql("SELECT parents FROM workflow_tasks WHERE task_id = ? FOR UPDATE")
                .param(child.taskId()).query(String.class).optional().orElse("[]");
        List<Parent> ended = new ArrayList<>(List.of(json.read(recorded, Parent[].class)));
        ended.removeIf(parent -> parent.name().equals(ending.parent().name()));
        ended.add(ending.parent());
        sql.sql("UPDATE workflow_tasks SET parents = ? WHERE task_id = ?").params(json.write(ended), child.taskId())
                .update();
        Map<String, Parent> byName = ended.stream().collect(Collectors.toMap(Parent::name, parent -> parent));
        Optional<Parent> failed = child.dependsOn().stream().map(byName::get)
                .filter(parent -> parent != null && !parent.state().equals(TaskState.SUCCEEDED.name())).findFirst();
        if (failed.isPresent() && child.cancelsWhenAParentFails()) {
            Parent parent = failed.get();
            cancelWaiting(child.taskId(), "its parent " + parent.name() + " ended " + parent.state() + " (task "
                    + parent.taskId() + ")");
            endings.add(new Ending(child.workflowId(), new Parent(child.name(), child.taskId(),
                    TaskState.CANCELLED.name(), null, false, false)));
        } else if (byName.keySet().containsAll(child.dependsOn())) {
            release(child, child.dependsOn().stream().map(byName::get).toList());
            queued.add(child.taskId());
        }
    }

    /** A WAITING task is QUEUED, its parents' results given to it. */
    private void release(Node child, List<Parent> parents) {
        TaskView task = tasks.find(child.taskId()).orElseThrow();
        TaskSpec given = ParentInputs.give(task.spec(), parents, json);
        sql.sql("UPDATE tasks SET state = 'QUEUED', spec = ? WHERE id = ? AND state = 'WAITING'")
                .params(json.write(given), child.taskId()).update();
        boolean allSucceeded = parents.stream().allMatch(parent -> parent.state().equals(TaskState.SUCCEEDED.name()));
        events.add(child.taskId(), clock.millis(), TaskState.QUEUED, null, 0, allSucceeded
                ? "released: its parents succeeded (" + String.join(", ", child.dependsOn()) + ")"
                : "released: its parents ended (" + parents.stream().map(parent -> parent.name() + " " + parent.state())
                .collect(Collectors.joining(", ")) + "); it runs anyway (whenParentFails run)");
    }

    /** A WAITING task ends CANCELLED for this reason, in its record and its event, with its callback if it names one. */
    private void cancelWaiting(String taskId, String reason) {
        long now = clock.millis();
        sql.sql("UPDATE tasks SET state = 'CANCELLED', finished_at = ?, message = ? WHERE id = ? AND state = 'WAITING'")
                .params(now, TaskEvents.fit(reason), taskId).update();
        TaskView cancelled = tasks.find(taskId).orElseThrow();
        events.add(taskId, now, TaskState.CANCELLED, null, 0, "cancelled while WAITING: " + reason);
        meters.ended(cancelled.type(), TaskState.CANCELLED.name(), now - cancelled.createdAt().toEpochMilli());
        callbacks.ended(List.of(taskId));
    }

    /**
     * Cancels a workflow (DELETE /api/workflows/{id}): its WAITING tasks end CANCELLED here, all of them before any
     * could be released; returns the ids of its tasks that have not ended and do not wait (QUEUED, DISPATCHED, RUNNING,
     * RETRYING), which the caller cancels each as a single cancel does (out of its queue, or killed where it runs).
     * {@link routes.domain.NotFound} when unknown.
     */
    @Transactional
    public List<String> cancel(String workflowId) {
        List<Node> graph = new ArrayList<>(workflows.nodes(workflowId));
        if (graph.isEmpty()) {
            workflows.get(workflowId); // NotFound, or a workflow whose tasks were pruned: nothing to cancel
        }
        graph.sort(Comparator.comparing(Node::taskId));
        List<String> alive = new ArrayList<>();
        for (Node node : graph) {
            String state = lockedState(node.taskId());
            if (TaskState.WAITING.name().equals(state)) {
                cancelWaiting(node.taskId(), "cancelled with its workflow");
            } else if (state != null && !TaskState.valueOf(state).isTerminal()) {
                alive.add(node.taskId());
            }
        }
        return alive;
    }

    /** A task's state as last committed (null when it is gone), locked until the transaction ends. */
    private String lockedState(String taskId) {
        return sql.sql("SELECT state FROM tasks WHERE id = ? FOR UPDATE").param(taskId).query(String.class).optional()
                .orElse(null);
    }
}
