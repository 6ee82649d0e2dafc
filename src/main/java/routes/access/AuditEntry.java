package routes.access;

/**
 * One change, or attempt at one, on record.
 *
 * @param at      epoch ms
 * @param actor   the user, or {@code admin-token}; for a failed login, the name tried
 * @param via     {@code session}, {@code token}, {@code admin-token} or {@code login}
 * @param address the client's address as the node saw it
 * @param action  what was asked, named as the API operation ({@code cancel-task}, {@code create-user}, {@code login})
 * @param target  what it was asked of: the ids in the path, else the name in the request, else empty
 * @param status  the HTTP status of the answer
 * @param outcome {@code ok}, or the reason it was refused
 */
public record AuditEntry(long id, long at, String actor, String via, String address, String action, String target,
                         int status, String outcome) {
}
