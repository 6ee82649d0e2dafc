package routes.message;

import com.fasterxml.jackson.databind.util.StdConverter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Environment values that look secret: those whose names contain PASSWORD, SECRET, TOKEN or KEY (any case). Every
 * API view of a task, job or resident shows them as {@value #MASK}, for every role; a definition sent back with
 * {@value #MASK} for such a name keeps the value stored. Only the views are masked: what is stored and what the
 * agent runs keep the real values.
 */
public final class SecretEnv {

    public static final String MASK = "********";
    private static final String[] SECRET_WORDS = {"PASSWORD", "SECRET", "TOKEN", "KEY"};

    private SecretEnv() {
    }

    public static boolean isSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (upper.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The environment as a view shows it: secret values replaced by the mask. */
    public static Map<String, String> masked(Map<String, String> env) {
        if (env == null || env.keySet().stream().noneMatch(SecretEnv::isSecret)) {
            return env;
        }
        Map<String, String> shown = new LinkedHashMap<>();
        env.forEach((name, value) -> shown.put(name, isSecret(name) ? MASK : value));
        return shown;
    }

    /** The spec as a view shows it: its environment masked. */
    public static TaskSpec masked(TaskSpec spec) {
        if (spec == null || masked(spec.env()) == spec.env()) {
            return spec;
        }
        return new TaskSpec(spec.type(), spec.command(), spec.shell(), masked(spec.env()), spec.workdir(),
                spec.timeoutSeconds(), spec.priority(), spec.labels(), spec.agent(), spec.retry(), spec.target(),
                spec.code(), spec.payload(), spec.callback());
    }

    /**
     * A definition sent back from a view: each secret name whose value is the mask keeps the stored value (when
     * one is stored under that name; otherwise the mask is taken as the value given).
     */
    public static TaskSpec keepStored(TaskSpec sent, TaskSpec stored) {
        if (sent == null || stored == null || sent.env() == null || !sent.env().containsValue(MASK)) {
            return sent;
        }
        Map<String, String> env = new LinkedHashMap<>(sent.env());
        env.replaceAll((name, value) -> MASK.equals(value) && isSecret(name) && stored.env() != null
                && stored.env().containsKey(name) ? stored.env().get(name) : value);
        return new TaskSpec(sent.type(), sent.command(), sent.shell(), Map.copyOf(env), sent.workdir(),
                sent.timeoutSeconds(), sent.priority(), sent.labels(), sent.agent(), sent.retry(), sent.target(),
                sent.code(), sent.payload(), sent.callback());
    }

    /** Jackson: serializes an environment masked (for the env of a task view). */
    public static final class MaskedMap extends StdConverter<Map<String, String>, Map<String, String>> {
        @Override
        public Map<String, String> convert(Map<String, String> env) {
            return masked(env);
        }
    }

    /** Jackson: serializes a task spec with its environment masked (for the task of a job or resident view). */
    public static final class MaskedSpec extends StdConverter<TaskSpec, TaskSpec> {
        @Override
        public TaskSpec convert(TaskSpec spec) {
            return masked(spec);
        }
    }
}
