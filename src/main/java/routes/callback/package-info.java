/**
 * Completion callbacks: which urls a task's callback may name (checked at submit and again, with the addresses its
 * host resolves to, at send time), and the signed POST of a task's final view to it. The record of each callback is
 * the task's ({@code routes.task.CallbackStore}); the loop that sends them is callbacks.yaml.
 */
package routes.callback;
