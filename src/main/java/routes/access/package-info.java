/**
 * Who may do what: users, their API tokens and roles, and the audit trail of what they did. Below the API edge,
 * which authenticates callers with these stores and records each change in {@link routes.access.AuditLog}.
 */
package routes.access;
