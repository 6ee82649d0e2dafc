package routes.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import routes.config.JsonCodec;
import routes.message.TaskSpec;
import routes.task.ParentInputs.Parent;

/** What a task of a workflow is given of its parents: environment variables or a payload field, each result bounded. */
class ParentInputsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonCodec JSON = new JsonCodec(MAPPER);

    @Test
    void aResultIsCutToTheLimitOnAWholeCharacter() {
        assertThat(ParentInputs.cut("héllo", 2)).isEqualTo("h");          // é is two bytes: it does not fit
        assertThat(ParentInputs.cut("héllo", 3)).isEqualTo("hé");
        assertThat(ParentInputs.cut("a😀b", 4)).isEqualTo("a");           // the emoji is four bytes
        assertThat(ParentInputs.cut("short", 100)).isEqualTo("short");
        assertThat(ParentInputs.cut(null, 10)).isNull();
        Parent cut = Parent.ended("fetch", "t-1", "SUCCEEDED", "x".repeat(10), null, 4);
        assertThat(cut.result()).isEqualTo("xxxx");
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.json()).isFalse();
    }

    @Test
    void aCommandGetsItsParentsNamesStatesIdsAndResultsInItsEnvironmentBesideItsOwn() {
        TaskSpec spec = command(Map.of("MINE", "1"));
        TaskSpec given = ParentInputs.give(spec, List.of(
                Parent.ended("fetch", "t-1", "SUCCEEDED", "rows: 3\n", null, 100),
                Parent.ended("resize", "t-2", "FAILED", null, "{\"n\":2}", 100)), JSON);
        assertThat(given.env()).containsEntry("MINE", "1")
                .containsEntry("CARAVAN_PARENTS", "fetch,resize")
                .containsEntry("CARAVAN_PARENT_FETCH_STATE", "SUCCEEDED")
                .containsEntry("CARAVAN_PARENT_FETCH_TASK_ID", "t-1")
                .containsEntry("CARAVAN_PARENT_FETCH_RESULT", "rows: 3\n")
                .containsEntry("CARAVAN_PARENT_RESIZE_STATE", "FAILED")
                .containsEntry("CARAVAN_PARENT_RESIZE_RESULT", "{\"n\":2}");
    }

    @Test
    void aPayloadGetsAWorkersResultAsJsonUnlessItWasCutAndAStdoutAsText() throws Exception {
        TaskSpec plain = new TaskSpec("work", null, null, null, null, 60, "normal", Map.of(), null, null, null, null,
                MAPPER.readTree("{\"op\": \"sum\"}"), null);
        JsonNode payload = ParentInputs.give(plain, List.of(
                Parent.ended("a", "t-1", "SUCCEEDED", "hello\n", null, 100),
                Parent.ended("b", "t-2", "SUCCEEDED", null, "{\"n\":2}", 100),
                Parent.ended("c", "t-3", "SUCCEEDED", null, "{\"long\":\"" + "x".repeat(50) + "\"}", 10),
                Parent.ended("d", "t-4", "CANCELLED", null, null, 100)), JSON).payload();
        assertThat(payload.path("op").asText()).isEqualTo("sum");
        JsonNode parents = payload.path("parents");
        assertThat(parents.path("a").path("result").asText()).isEqualTo("hello\n");
        assertThat(parents.path("b").path("result").path("n").asInt()).isEqualTo(2);
        assertThat(parents.path("c").path("result").asText()).isEqualTo("{\"long\":\"x");
        assertThat(parents.path("c").path("truncated").asBoolean()).isTrue();
        assertThat(parents.path("d").path("result").isNull()).isTrue();
        assertThat(parents.path("d").path("state").asText()).isEqualTo("CANCELLED");
        assertThat(plain.payload().has("parents")).as("the spec given is a copy").isFalse();
    }

    private static TaskSpec command(Map<String, String> env) {
        return new TaskSpec("default", List.of("true"), null, env, null, 60, "normal", Map.of(), null, null, null, null,
                null, null);
    }
}
