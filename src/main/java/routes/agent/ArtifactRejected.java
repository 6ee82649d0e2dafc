package routes.agent;

/** An artifact that was not installed, and why: the message names what was wrong and what to fix. */
public class ArtifactRejected extends RuntimeException {

    public ArtifactRejected(String message) {
        super(message);
    }

    public ArtifactRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
