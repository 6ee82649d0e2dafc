/**
 * What crosses Redis between control and agents (and between control nodes), as records with their text forms:
 * a task's run specification, inbox and reclaimed entries, run reports, agent statuses, registered code versions,
 * planned fires and due retries. Every other package may use them; they use no other package of Caravan.
 */
package routes.message;
