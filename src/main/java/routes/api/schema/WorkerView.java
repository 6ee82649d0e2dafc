package routes.api.schema;

import java.util.List;
import java.util.Map;

/** A worker as registered, with how many leases it holds (routes.worker.WorkerRegistry). */
public record WorkerView(String id, List<String> types, Map<String, String> labels, int capacity, int leases) {
}
