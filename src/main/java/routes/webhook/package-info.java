/**
 * Sending to receivers outside Caravan (alert webhooks and emails, task callbacks): the signature a receiver checks,
 * the request with what went wrong told in words, and the claimed outbox each sender's store keeps its sends in.
 */
package routes.webhook;
