/**
 * Alerts Caravan raises itself, for operators without Prometheus: rules watched on the control nodes, one incident
 * per condition from when it holds until it clears, and a notice for each firing and each resolution, delivered to
 * the rule's channels (webhook, email).
 */
package routes.alert;
