package routes.resident;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.config.Wakeup;
import routes.config.Wakeups;
import routes.domain.Conflict;
import routes.domain.NotFound;
import routes.domain.Page;
import routes.logs.AfterCommit;
import routes.message.SecretEnv;
import routes.message.TaskSpec;
import routes.task.TaskQueries;
import routes.task.TaskStore;
import routes.task.TaskView;

/**
 * Resident definitions in SQL. Changing one takes effect at the next keeping pass (residents.yaml): instances
 * are started or cancelled to meet the new number, and instances started from then on run the new task.
 */
@Component
@ControlRole
public class ResidentStore {

    private static final String COLUMNS = "id, name, instances, template, restart_backoff_ms, max_backoff_ms, failures, "
            + "not_before, ended_seen, created_at, updated_at";

    private final JdbcClient sql;
    private final JsonCodec json;
    private final TaskStore tasks;
    private final TaskQueries taskQueries;
    private final Clock clock = Clock.systemUTC();
    private final Wakeup changes;

    public ResidentStore(JdbcClient sql, JsonCodec json, TaskStore tasks, TaskQueries taskQueries, Wakeups wakeups) {
        this.sql = sql;
        this.json = json;
        this.tasks = tasks;
        this.taskQueries = taskQueries;
        this.changes = wakeups.create();
    }

    /**
     * Waits for at most this long, or until a resident is made, changed or scaled on this node (once that change
     * committed): the keeping pass then starts its instances at once.
     */
    void awaitChange(long atMostMillis) throws InterruptedException {
        changes.await(atMostMillis);
    }

    @Transactional
    public ResidentView create(ResidentSpec spec) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        try {
            sql.sql("INSERT INTO residents (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)")
                    .params(id, spec.name(), spec.instances(), json.write(spec.task()), spec.restartBackoff().toMillis(),
                            spec.maxBackoff().toMillis(), now, now)
                    .update();
        } catch (DuplicateKeyException taken) {
            throw nameTaken(spec.name());
        }
        AfterCommit.run(changes::now);
        return get(id);
    }

    @Transactional
    public ResidentView replace(String id, ResidentSpec sent) {
        // a secret env value sent back masked, as the views show it, keeps the value stored
        ResidentSpec spec = new ResidentSpec(sent.name(), sent.instances(),
                SecretEnv.keepStored(sent.task(), resident(id).task()), sent.restartBackoff(), sent.maxBackoff());
        try {
            sql.sql("UPDATE residents SET name = ?, instances = ?, template = ?, restart_backoff_ms = ?, "
                            + "max_backoff_ms = ?, updated_at = ? WHERE id = ?")
                    .params(spec.name(), spec.instances(), json.write(spec.task()), spec.restartBackoff().toMillis(),
                            spec.maxBackoff().toMillis(), clock.millis(), id)
                    .update();
        } catch (DuplicateKeyException taken) {
            throw nameTaken(spec.name());
        }
        AfterCommit.run(changes::now);
        return get(id);
    }

    @Transactional
    public ResidentView scale(String id, int instances) {
        resident(id);
        sql.sql("UPDATE residents SET instances = ?, updated_at = ? WHERE id = ?")
                .params(instances, clock.millis(), id).update();
        AfterCommit.run(changes::now);
        return get(id);
    }

    /** Deletes the definition and cancels its alive instances; returns them, to be withdrawn from Redis. */
    @Transactional
    public List<TaskView> delete(String id) {
        if (sql.sql("SELECT id FROM residents WHERE id = ? FOR UPDATE").param(id).query(String.class).optional().isEmpty()) {
            throw notFound(id);
        }
        List<TaskView> cancelled = new ArrayList<>();
        for (ResidentView.Instance instance : alive(id)) {
            tasks.cancelIfAlive(instance.taskId(), "its resident was deleted").ifPresent(cancelled::add);
        }
        sql.sql("DELETE FROM residents WHERE id = ?").param(id).update();
        return cancelled;
    }

    public ResidentView get(String id) {
        return view(resident(id));
    }

    public Map<String, Object> list(Page page) {
        long total = sql.sql("SELECT COUNT(*) FROM residents").query(Long.class).single();
        List<ResidentView> views = sql.sql("SELECT " + COLUMNS + " FROM residents ORDER BY name LIMIT ? OFFSET ?")
                .params(page.limit(), page.offset()).query(this::row).list().stream().map(this::view).toList();
        return page.body("residents", views, total);
    }

    Resident resident(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    Optional<Resident> find(String id) {
        return sql.sql("SELECT " + COLUMNS + " FROM residents WHERE id = ?").param(id).query(this::row).optional();
    }

    /** The resident's instances that have not ended, oldest first. */
    List<ResidentView.Instance> alive(String id) {
        return taskQueries.aliveInstances(id).stream()
                .map(task -> new ResidentView.Instance(task.id(), task.state(), task.agent()))
                .toList();
    }

    /** Every resident, each row locked until the caller's transaction ends (a keeping pass holds them all). */
    List<Resident> lockAll() {
        return sql.sql("SELECT " + COLUMNS + " FROM residents ORDER BY id FOR UPDATE").query(this::row).list();
    }

    /** Stores the restart wait a keeping pass counted: failures in a row, not before when, ended runs seen until when. */
    void restartWait(String id, int failures, long notBefore, long endedSeen) {
        sql.sql("UPDATE residents SET failures = ?, not_before = ?, ended_seen = ? WHERE id = ?")
                .params(failures, notBefore, endedSeen, id).update();
    }

    private Resident row(ResultSet rs, int n) throws SQLException {
        return new Resident(rs.getString("id"), rs.getString("name"), rs.getInt("instances"),
                json.read(rs.getString("template"), TaskSpec.class), Duration.ofMillis(rs.getLong("restart_backoff_ms")),
                Duration.ofMillis(rs.getLong("max_backoff_ms")), rs.getInt("failures"), rs.getLong("not_before"),
                rs.getLong("ended_seen"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private ResidentView view(Resident r) {
        Instant notBefore = r.notBefore() > clock.millis() ? Instant.ofEpochMilli(r.notBefore()) : null;
        return new ResidentView(r.id(), r.name(), r.instances(), r.task(), r.restartBackoff().toString(),
                r.maxBackoff().toString(), r.failures(), notBefore, alive(r.id()), Instant.ofEpochMilli(r.createdAt()),
                Instant.ofEpochMilli(r.updatedAt()));
    }

    private static NotFound notFound(String id) {
        return new NotFound("no resident with id " + id);
    }

    private static Conflict nameTaken(String name) {
        return new Conflict("a resident named " + name + " exists already");
    }
}
