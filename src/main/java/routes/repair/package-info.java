/**
 * The repair loops of control (redis-recovery.yaml): they put SQL and Redis back in step after a loss or a control
 * node's crash mid-step. They combine the stores with Redis; no other package depends on them.
 */
package routes.repair;
