/**
 * Signed JSON POSTs to receivers outside Caravan (alert webhooks, task callbacks): the signature a receiver checks,
 * and the request with what went wrong told in words.
 */
package routes.webhook;
