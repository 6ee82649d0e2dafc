/** The operators' hold on the agents: drain requests, kept in SQL and mirrored in Redis for the agents to read. */
package routes.fleet;
