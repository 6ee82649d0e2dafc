package routes.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.Conflict;
import routes.domain.Invalid;
import routes.domain.NotFound;
import routes.domain.Page;
import routes.message.PlannedFire;
import routes.message.SecretEnv;
import routes.message.TaskSpec;

/**
 * Job definitions in SQL. Every change that alters when a job fires (edit, pause, resume) bumps its version
 * and drops its planned fires, so a planner working from an older read plans nothing and the next planning
 * pass starts from the new definition.
 */
@Component
@ControlRole
public class JobStore {

    private static final String COLUMNS = "id, name, schedule, template, overlap, max_running, misfire, paused, next_fire_at, "
            + "version, created_at, updated_at, keep_runs, on_success, on_failure";

    private final JdbcClient sql;
    private final JdbcTemplate batch;
    private final JsonCodec json;
    private final Schedules schedules;
    private final FireStore fires;
    private final Clock clock = Clock.systemUTC();

    public JobStore(JdbcClient sql, JdbcTemplate batch, JsonCodec json, Schedules schedules, FireStore fires) {
        this.sql = sql;
        this.batch = batch;
        this.json = json;
        this.schedules = schedules;
        this.fires = fires;
    }

    @Transactional
    public JobView create(JobSpec spec) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        checkChains(null, spec);
        try {
            sql.sql("INSERT INTO jobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)")
                    .params(id, spec.name(), json.write(spec.schedule()), json.write(spec.task()), spec.overlap().name(),
                            spec.maxRunning(), spec.misfire().name(), Boolean.TRUE.equals(spec.paused()),
                            firstFire(spec.schedule(), now), now, now, spec.keepRuns(), names(spec.onSuccess()),
                            names(spec.onFailure()))
                    .update();
        } catch (DuplicateKeyException taken) {
            throw nameTaken(spec.name());
        }
        return get(id);
    }

    /** Replaces a job's definition; fires already planned are dropped and planning restarts from now. */
    @Transactional
    public JobView replace(String id, JobSpec sent) {
        // a secret env value sent back masked, as the views show it, keeps the value stored
        Job stored = job(id);
        JobSpec spec = new JobSpec(sent.name(), sent.schedule(), SecretEnv.keepStored(sent.task(), stored.task()),
                sent.overlap(), sent.maxRunning(), sent.misfire(), sent.paused(), sent.keepRuns(), sent.onSuccess(),
                sent.onFailure());
        if (!stored.name().equals(spec.name())) {
            refuseIfChainedTo(stored.name(), "renamed");
        }
        checkChains(id, spec);
        long now = clock.millis();
        try {
            sql.sql("UPDATE jobs SET name = ?, schedule = ?, template = ?, overlap = ?, max_running = ?, misfire = ?, "
                            + "paused = COALESCE(?, paused), next_fire_at = ?, version = version + 1, updated_at = ?, "
                            + "keep_runs = ?, on_success = ?, on_failure = ? WHERE id = ?")
                    .params(spec.name(), json.write(spec.schedule()), json.write(spec.task()), spec.overlap().name(),
                            spec.maxRunning(), spec.misfire().name(), spec.paused(), firstFire(spec.schedule(), now),
                            now, spec.keepRuns(), names(spec.onSuccess()), names(spec.onFailure()), id)
                    .update();
        } catch (DuplicateKeyException taken) {
            throw nameTaken(spec.name());
        }
        fires.dropPlanned(id);
        return get(id);
    }

    /** Stops new fires at once: the planned ones are dropped, and the planner passes over a paused job. */
    @Transactional
    public JobView pause(String id) {
        get(id);
        sql.sql("UPDATE jobs SET paused = TRUE, version = version + 1, updated_at = ? WHERE id = ?")
                .params(clock.millis(), id).update();
        fires.dropPlanned(id);
        return get(id);
    }

    /** Fires again from now on; what would have fired while paused does not. */
    @Transactional
    public JobView resume(String id) {
        Job job = job(id);
        long now = clock.millis();
        sql.sql("UPDATE jobs SET paused = FALSE, next_fire_at = ?, version = version + 1, updated_at = ? "
                        + "WHERE id = ? AND paused = TRUE")
                .params(firstFire(job.schedule(), now), now, id).update();
        return get(id);
    }

    /**
     * Deletes a job and its fire records; the tasks it made stay, with their job id. A job another names in its
     * onSuccess or onFailure is not deleted (a conflict naming those jobs): their chains would point nowhere.
     */
    @Transactional
    public void delete(String id) {
        refuseIfChainedTo(job(id).name(), "deleted");
        if (sql.sql("DELETE FROM jobs WHERE id = ?").param(id).update() == 0) {
            throw notFound(id);
        }
        fires.dropAll(id);
    }

    public JobView get(String id) {
        return view(job(id));
    }

    public Job job(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    public Optional<Job> find(String id) {
        return sql.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = ?").param(id).query(this::row).optional();
    }

    public Optional<Job> findByName(String name) {
        return sql.sql("SELECT " + COLUMNS + " FROM jobs WHERE name = ?").param(name).query(this::row).optional();
    }

    /** The names of the jobs with these ids that exist, by id. */
    public Map<String, String> names(Collection<String> ids) {
        Map<String, String> names = new HashMap<>();
        if (!ids.isEmpty()) {
            byId(ids).forEach((id, job) -> names.put(id, job.name()));
        }
        return names;
    }

    /** Jobs by name, a page of them. */
    public Map<String, Object> list(Page page) {
        long total = sql.sql("SELECT COUNT(*) FROM jobs").query(Long.class).single();
        List<JobView> jobs = sql.sql("SELECT " + COLUMNS + " FROM jobs ORDER BY name LIMIT ? OFFSET ?")
                .params(page.limit(), page.offset()).query(this::row).list().stream().map(this::view).toList();
        return page.body("jobs", jobs, total);
    }

    /** The job's next fire times from now, as its time zone tells them. */
    public Map<String, Object> next(String id, int wanted) {
        Job job = job(id);
        FirePreview preview = schedules.preview(job.schedule(), clock.instant(), wanted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("description", preview.description());
        body.put("timeZone", preview.timeZone());
        body.put("paused", job.paused());
        body.put("next", preview.next());
        return body;
    }

    /** The job's fires, newest first: which made a task, which were skipped or missed, and why. */
    public Map<String, Object> fires(String id, Page page) {
        job(id);
        return fires.taken(id, page);
    }

    /** Enabled jobs whose next unplanned fire is due by {@code horizon}, soonest first. */
    public List<Job> toPlan(long horizon, int limit) {
        return sql.sql("SELECT " + COLUMNS + " FROM jobs WHERE paused = FALSE AND next_fire_at <= ? "
                        + "ORDER BY next_fire_at LIMIT ?")
                .params(horizon, limit).query(this::row).list();
    }

    /** A job's next fires, ready to store. {@code nextFireAt}: the first fire after them, or null. */
    public record Plan(Job job, List<PlannedFire> fires, Long nextFireAt) {
    }

    /**
     * Stores plans: each job's unplanned-from time moves on and its fires become PLANNED rows, all in one
     * transaction. A plan made from an outdated read of its job (another node planned it, or it was edited,
     * paused or resumed meanwhile) stores nothing. Returns the fires stored.
     */
    @Transactional
    public List<PlannedFire> store(List<Plan> plans) {
        // rows are locked in id order, as the taker locks them: two transactions cannot wait on each other
        plans = new ArrayList<>(plans);
        plans.sort(Comparator.comparing(plan -> plan.job().id()));
        List<Object[]> advances = new ArrayList<>(plans.size());
        for (Plan plan : plans) {
            advances.add(new Object[] {plan.nextFireAt(), plan.job().id(), plan.job().version(), plan.job().nextFireAt()});
        }
        int[] advanced = batch.batchUpdate("UPDATE jobs SET next_fire_at = ? WHERE id = ? AND version = ? "
                + "AND paused = FALSE AND next_fire_at = ?", advances);
        List<PlannedFire> planned = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (advanced[i] != 0) {
                planned.addAll(plans.get(i).fires());
            }
        }
        fires.addPlanned(planned);
        return planned;
    }

    /** The jobs with these ids that exist, by id. */
    Map<String, Job> byId(Collection<String> ids) {
        Map<String, Job> byId = new HashMap<>();
        sql.sql("SELECT " + COLUMNS + " FROM jobs WHERE id IN (" + marks(ids.size()) + ")")
                .params(List.copyOf(ids)).query(this::row).list()
                .forEach(job -> byId.put(job.id(), job));
        return byId;
    }

    /** Locks the jobs' rows, in the order given, until the caller's transaction ends. */
    void lock(List<String> ids) {
        sql.sql("SELECT id FROM jobs WHERE id IN (" + marks(ids.size()) + ") ORDER BY id FOR UPDATE")
                .params(ids).query(String.class).list();
    }

    /**
     * The jobs a spec chains to must exist (or be the job itself, by its new name), and no chain may lead back to
     * the job: a cycle would start runs for ever. Each refusal names the field and the names at fault. {@code id}:
     * the job edited (its stored row, under its old name, does not count), null for a new one.
     */
    private void checkChains(String id, JobSpec spec) {
        Map<String, List<String>> next = new HashMap<>();
        sql.sql("SELECT name, on_success, on_failure FROM jobs WHERE id <> ?").param(id == null ? "" : id).query(rs -> {
            List<String> targets = new ArrayList<>(names(rs.getString("on_success")));
            targets.addAll(names(rs.getString("on_failure")));
            next.put(rs.getString("name"), targets);
        });
        List<String> own = new ArrayList<>(spec.onSuccess());
        own.addAll(spec.onFailure());
        for (String field : List.of("onSuccess", "onFailure")) {
            List<String> unknown = (field.equals("onSuccess") ? spec.onSuccess() : spec.onFailure()).stream()
                    .filter(name -> !next.containsKey(name) && !name.equals(spec.name())).toList();
            if (!unknown.isEmpty()) {
                throw new Invalid(field + " names no job: " + String.join(", ", unknown)
                        + "; create the job first, or leave its name out");
            }
        }
        next.put(spec.name(), own);
        List<String> cycle = cycleFrom(spec.name(), spec.name(), next, new ArrayList<>(), new HashSet<>());
        if (cycle != null) {
            throw new Invalid("onSuccess and onFailure may not lead back to the job, which would run for ever: "
                    + spec.name() + " -> " + String.join(" -> ", cycle));
        }
    }

    /** A path of chains from {@code at} back to {@code start}, or null when there is none. */
    private static List<String> cycleFrom(String start, String at, Map<String, List<String>> next, List<String> path,
                                          Set<String> seen) {
        for (String to : next.getOrDefault(at, List.of())) {
            path.add(to);
            if (to.equals(start)) {
                return path;
            }
            if (seen.add(to)) {
                List<String> found = cycleFrom(start, to, next, path, seen);
                if (found != null) {
                    return found;
                }
            }
            path.remove(path.size() - 1);
        }
        return null;
    }

    /** A conflict when other jobs name this one in onSuccess or onFailure, naming them. */
    private void refuseIfChainedTo(String name, String change) {
        List<String> referrers = new ArrayList<>();
        sql.sql("SELECT name, on_success, on_failure FROM jobs ORDER BY name").query(rs -> {
            if (!rs.getString("name").equals(name) && (names(rs.getString("on_success")).contains(name)
                    || names(rs.getString("on_failure")).contains(name))) {
                referrers.add(rs.getString("name"));
            }
        });
        if (!referrers.isEmpty()) {
            throw new Conflict("job \"" + name + "\" cannot be " + change + ": the onSuccess or onFailure of "
                    + String.join(", ", referrers) + " name it; remove it there first");
        }
    }

    private String names(List<String> names) {
        return names == null || names.isEmpty() ? null : json.write(names);
    }

    private List<String> names(String stored) {
        return stored == null ? List.of() : List.of(json.read(stored, String[].class));
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private Long firstFire(JobSchedule schedule, long now) {
        Instant first = schedules.fireTimes(schedule).after(Instant.ofEpochMilli(now - 1));
        return first == null ? null : first.toEpochMilli();
    }

    JobView view(Job job) {
        FireTimes times = schedules.fireTimes(job.schedule());
        Instant next = job.paused() ? null : times.after(clock.instant());
        return new JobView(job.id(), job.name(), job.schedule(), times.description(), job.task(), job.overlap(),
                job.maxRunning(), job.misfire(), job.paused(), next, Instant.ofEpochMilli(job.createdAt()),
                Instant.ofEpochMilli(job.updatedAt()), job.keepRuns(), job.onSuccess(), job.onFailure());
    }

    private Job row(ResultSet rs, int row) throws SQLException {
        long nextFire = rs.getLong("next_fire_at");
        Long nextFireAt = rs.wasNull() ? null : nextFire;
        return new Job(rs.getString("id"), rs.getString("name"), json.read(rs.getString("schedule"), JobSchedule.class),
                json.read(rs.getString("template"), TaskSpec.class), Overlap.valueOf(rs.getString("overlap")),
                (Integer) rs.getObject("max_running", Integer.class), Misfire.valueOf(rs.getString("misfire")),
                rs.getBoolean("paused"), nextFireAt, rs.getInt("version"), rs.getLong("created_at"),
                rs.getLong("updated_at"), (Integer) rs.getObject("keep_runs", Integer.class),
                names(rs.getString("on_success")), names(rs.getString("on_failure")));
    }

    private static NotFound notFound(String id) {
        return new NotFound("no job with id " + id);
    }

    private static Conflict nameTaken(String name) {
        return new Conflict("a job named \"" + name + "\" exists already; job names are unique");
    }
}
