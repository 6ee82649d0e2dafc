package routes.worker;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.domain.Conflict;
import routes.redis.LeaseBook;

/**
 * Workers as they registered, kept in Redis for as long as they send heartbeats (a registration again, a lease
 * request, an extension). A worker that falls silent for caravan.workers.worker-timeout is forgotten, and its leases
 * are taken back.
 */
@Component
@ControlRole
public class WorkerRegistry {

    private final LeaseBook leases;
    private final JsonCodec json;

    public WorkerRegistry(LeaseBook leases, JsonCodec json) {
        this.leases = leases;
        this.json = json;
    }

    /** Registers the worker, or renews its registration (a heartbeat); returns it with the leases it holds. */
    public Map<String, Object> register(Worker worker) {
        leases.heartbeat(worker.id(), json.write(worker));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", worker.id());
        view.put("types", worker.types());
        view.put("labels", worker.labels());
        view.put("capacity", worker.capacity());
        view.put("leases", leases.held(worker.id()));
        return view;
    }

    /** The registered worker, heard from now; {@link Conflict} when it never registered or fell silent since. */
    public Worker heard(String workerId) {
        String registration = leases.registration(workerId);
        if (registration == null) {
            throw new Conflict("worker " + workerId + " is not registered (or fell silent): register it first with"
                    + " POST /api/workers/" + workerId);
        }
        leases.heartbeat(workerId, null);
        return json.read(registration, Worker.class);
    }
}
