package routes.alert;

import jakarta.mail.MessagingException;

/**
 * An attempt to deliver a notice failed, for the reason in the message (in words, as the delivery's record shows
 * it). A permanent failure is not tried again: the channel does not exist, say.
 */
public class DeliveryFailed extends RuntimeException {

    private final boolean permanent;

    public DeliveryFailed(String reason, boolean permanent) {
        // an outcome, not a fault: no stack trace to fill
        super(reason, null, false, false);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }

    /** Why an attempt failed, in words: this class's message, or what the mail server or the network said. */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeliveryFailed failed) {
                return failed.getMessage();
            }
            if (t instanceof MessagingException mail) {
                return "the email could not be sent: " + firstLine(mail.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "the attempt failed: "
                + (root.getMessage() != null ? firstLine(root.getMessage()) : "no reason given; the server log may say more");
    }

    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeliveryFailed failed) {
                return failed.permanent();
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("").strip();
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }
}
