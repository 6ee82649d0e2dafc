package routes.task;

import java.util.regex.Pattern;
import routes.api.ApiException;

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

    /** A version named in a request: 400, naming the field, when a name is not {@link #isName one}. */
    public static CodeVersion fromRequest(String at, String project, String version) {
        for (String name : new String[] {project, version}) {
            if (!isName(name)) {
                throw ApiException.badRequest(at + "project and version must be 1-64 letters, digits, '.', '_' or '-'"
                        + " (not starting with '.'), got \"" + name + "\"");
            }
        }
        return new CodeVersion(project, version);
    }

    @Override
    public String toString() {
        return project + "/" + version;
    }
}
