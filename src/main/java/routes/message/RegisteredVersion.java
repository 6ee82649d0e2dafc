package routes.message;

/** A code version registered for agents to install: where its archive is, and the archive's SHA-256 (hex). */
public record RegisteredVersion(String project, String version, String url, String sha256) {

    public CodeVersion code() {
        return new CodeVersion(project, version);
    }
}
