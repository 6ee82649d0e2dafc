/** What readiness asks of the node beyond its stores: its essential routes are started. Depends on settings only. */
package routes.health;
