package routes.message;

import java.util.regex.Pattern;

/**
 * A version of a project's code, as agents hold it: the directory {@code <caravan.agent.code-dir>/<project>/<version>}.
 * A task that names one runs only on agents that hold it, in that directory unless it gives a workdir.
 */
public record CodeVersion(String project, String version) {

    /** Names of projects and versions: one path segment each, not starting with "." (work in progress does). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Whether the name is one path segment that stays where it is put. */
    public static boolean isName(String name) {
        return NAME.matcher(name).matches() && !name.startsWith(".");
    }

    @Override
    public String toString() {
        return project + "/" + version;
    }
}
