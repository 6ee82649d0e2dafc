-- Retention of alerts (retention.yaml, caravan.retention.alerts): the pass finds resolved incidents and ended
-- deliveries by their age, and deletes an incident's notices and a delivery's attempts, each through an index.

CREATE INDEX alert_incidents_resolved ON alert_incidents (state, resolved_at);
CREATE INDEX alert_notices_of_incident ON alert_notices (incident_id);
CREATE INDEX alert_deliveries_ended ON alert_deliveries (state, ended_at);
