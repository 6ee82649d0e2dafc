/**
 * Workers in any language and their leases on payload tasks: registration and heartbeat, leasing with a long poll,
 * extending, and the reports that end a lease. The HTTP edge is workers-api.yaml; Redis's part is
 * {@link routes.redis.LeaseBook}; failover takes lapsed leases back as it does a dead agent's work.
 */
package routes.worker;
