/**
 * What a log line is about: the task, its attempt, the agent and the job, in the logging context (SLF4J's MDC) while
 * Caravan works on them, so that JSON logs (docs/operations.md, "Logs") carry them as fields. Low in the graph: the
 * agent and control both use it, and it uses nothing of Caravan.
 */
package routes.logs;
