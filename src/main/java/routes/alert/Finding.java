package routes.alert;

/**
 * A rule's condition holding now for one subject.
 *
 * @param subject what it is about, in the operator's words ("agent a1", "job nightly"): one incident per subject
 * @param summary one sentence saying what happened, for the notice
 * @param since   when it began to hold, as far as can be told (epoch ms)
 */
public record Finding(String subject, String summary, long since) {
}
