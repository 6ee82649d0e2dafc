package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.Api;
import routes.support.Cluster;

/**
 * ops/compat/easytask.yaml copied into a control node's routes directory, driven with plain HTTP as seed 002's curl
 * examples do, with what the operator's proxy adds to them: the bearer token, and the JSON content type curl -d
 * does not send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EasyTaskCompatTest {

    private static final Path FILE = Path.of("ops/compat/easytask.yaml");

    private Cluster cluster;
    private Api admin;
    private String worker;
    private String operator;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("operator-routes"));
        cluster = new Cluster(dir).control("--caravan.routes-dir=" + routes, "--easytask.lease-seconds=2");
        admin = cluster.api();
        worker = admin.workerToken("download");
        operator = Cluster.TOKEN;
        // as an operator enables it: copied in while the node runs
        Path temp = dir.resolve("easytask.yaml.tmp");
        Files.copy(FILE, temp);
        Files.move(temp, routes.resolve("easytask.yaml"), StandardCopyOption.ATOMIC_MOVE);
        // the node reads the roles of new REST verbs within seconds: until then only an admin may call them
        await().atMost(Duration.ofSeconds(30)).until(() -> call(worker, "GET", "/sayhi?type=download&name=sapper-1", null)
                .status() == 200);
        assertThat(call(operator, "GET", "/newtype?name=download", null).body().asText()).isEqualTo("OK");
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    /** The request as an easyTask client sends it, with the token its proxy adds. */
    private Api.Response call(String token, String method, String path, String body) {
        HttpRequest.Builder request = admin.request("/api/easytask" + path);
        if (body != null) {
            // curl -d sends a form's content type, whatever the body holds: the proxy says it is JSON
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return admin.send(request, token);
    }

    private long add(String rid, String url) {
        Api.Response added = call(operator, "PUT", "/api/putask/tasktype", """
                {"rid": "%s", "task_type": "download", "task_info": {"rid": "1111", "url": "%s"}}""".formatted(rid, url));
        assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
        assertThat(added.body().path("code").asInt(-9)).isZero();
        return added.body().path("data").asLong();
    }

    private JsonNode take(String name, int num) {
        Api.Response taken = call(worker, "GET", "/querytask?type=download&name=" + name + "&num=" + num, null);
        assertThat(taken.status()).as(taken.body().toString()).isEqualTo(200);
        assertThat(taken.body().path("code").asInt(-9)).isZero();
        return taken.body().path("data");
    }

    /** What a real easyTask worker checks of every task it takes. */
    private static void assertTakeable(JsonNode task) {
        assertThat(task.path("id").asLong()).isPositive();
        assertThat(task.path("rid").asText()).isNotEmpty();
        assertThat(task.path("task_type").asText()).isEqualTo("download");
        assertThat(Instant.parse(task.path("update_time").asText())).isNotNull();
        assertThat(Instant.parse(task.path("add_time").asText())).isNotNull();
    }

    private static String update(long id, int stat, String remark, String updateTime) {
        return """
                {"id": %d, "stat": %d, "remark": "%s", "update_time": "%s"}""".formatted(id, stat, remark, updateTime);
    }

    @Test
    void anEasyTaskWorkerSaysHiTakesBeatsAndUpdatesTasksAddedAsTheSeedShows() {
        Api.Response hi = call(worker, "GET", "/sayhi?type=download&name=sapper-1", null);
        assertThat(hi.body().asText()).as(hi.status() + " " + hi.headers().map()).isEqualTo("OK");
        long first = add("10", "http://example.org/a");
        long second = add("11", "http://example.org/b");
        assertThat(second).isGreaterThan(first).isPositive();

        JsonNode listed = call(worker, "GET", "/querytask?type=download&pageno=1&pagesize=100", null).body().path("data");
        assertThat(row(listed, first).path("rid").asText()).isEqualTo("10");
        assertThat(row(listed, second).path("rid").asText()).isEqualTo("11");
        assertThat(row(listed, first).path("stat").asInt()).isEqualTo(1);
        assertThat(row(listed, second).path("stat").asInt()).isEqualTo(1);

        JsonNode taken = take("sapper-1", 10);
        assertThat(taken.size()).isEqualTo(2);
        taken.forEach(EasyTaskCompatTest::assertTakeable);
        JsonNode a = taken.get(0).path("id").asLong() == first ? taken.get(0) : taken.get(1);
        JsonNode b = taken.get(0).path("id").asLong() == first ? taken.get(1) : taken.get(0);
        assertThat(a.path("task_info").path("url").asText()).isEqualTo("http://example.org/a");
        assertThat(a.path("stat").asInt()).isEqualTo(2);
        assertThat(a.path("rapper").asText()).isEqualTo("sapper-1");
        assertThat(take("sapper-1", 10)).as("nothing left to take").isEmpty();

        // beats keep the 2 s leases alive while the worker works
        for (int beat = 0; beat < 3; beat++) {
            assertThat(call(worker, "GET", "/beat?type=download&name=sapper-1", null).body().asText()).isEqualTo("OK");
            await().pollDelay(Duration.ofMillis(900)).until(() -> true);
        }
        Api.Response done = call(worker, "POST", "/updatetask", update(first, 3, "asdfasdfadf",
                a.path("update_time").asText()));
        assertThat(done.status()).as(done.body().toString()).isEqualTo(200);
        assertThat(done.body().toString()).isEqualTo("{\"code\":0}");
        Api.Response failed = call(worker, "POST", "/updatetask", update(second, -1, "no such file",
                b.path("update_time").asText()));
        assertThat(failed.status()).as(failed.body().toString()).isEqualTo(200);

        JsonNode after = call(worker, "GET", "/querytask?type=download&pageno=1&pagesize=100", null).body().path("data");
        JsonNode firstRow = row(after, first);
        assertThat(firstRow.path("stat").asInt()).isEqualTo(3);
        assertThat(firstRow.path("remark").asText()).isEqualTo("asdfasdfadf");
        assertThat(row(after, second).path("stat").asInt()).isEqualTo(-1);
        // the same tasks in Caravan: payload tasks, each attempt on the worker
        JsonNode tasks = admin.get("/api/tasks?type=download&limit=100").body().path("tasks");
        assertThat(tasks.findValuesAsText("state")).contains("SUCCEEDED", "FAILED");
        assertThat(tasks.findValuesAsText("agent")).contains("sapper-1");

        // updating again: the lease is gone
        Api.Response again = call(worker, "POST", "/updatetask", update(first, 3, "", a.path("update_time").asText()));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("code").asInt()).isEqualTo(-1);
        assertThat(again.body().path("errmsg").asText()).contains("task " + first);
    }

    @Test
    void aWorkerThatStopsBeatingMidTaskLosesItToTheNextWorkerAndItsLateUpdateIsRefused() {
        long id = add("20", "http://example.org/slow");
        JsonNode taken = take("sapper-gone", 1);
        assertThat(taken.size()).isEqualTo(1);
        JsonNode lost = taken.get(0);
        assertThat(lost.path("id").asLong()).isEqualTo(id);
        // sapper-gone sends nothing more: its 2 s lease expires and the task is new again
        await().atMost(Duration.ofSeconds(30)).until(() -> row(call(worker, "GET",
                "/querytask?type=download&pageno=1&pagesize=100", null).body().path("data"), id).path("stat").asInt() == 1);
        JsonNode retaken = take("sapper-2", 1);
        assertThat(retaken.size()).isEqualTo(1);
        assertTakeable(retaken.get(0));
        assertThat(retaken.get(0).path("id").asLong()).isEqualTo(id);
        assertThat(retaken.get(0).path("rapper").asText()).isEqualTo("sapper-2");

        Api.Response late = call(worker, "POST", "/updatetask", update(id, 3, "late", lost.path("update_time").asText()));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body().path("code").asInt()).isEqualTo(-1);
        Api.Response done = call(worker, "POST", "/updatetask", update(id, 3, "ok",
                retaken.get(0).path("update_time").asText()));
        assertThat(done.status()).as(done.body().toString()).isEqualTo(200);
    }

    @Test
    void callsWithoutATokenOrWithBadInputAreRefusedInEasyTasksWords() {
        Api.Response anonymous = call(null, "GET", "/sayhi?type=download&name=x", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(call(worker, "PUT", "/api/putask/download", "{\"rid\": \"1\"}").status())
                .as("a worker token adds no tasks").isEqualTo(403);
        Api.Response noRid = call(operator, "PUT", "/api/putask/download", "{\"task_type\": \"download\"}");
        assertThat(noRid.status()).isEqualTo(400);
        assertThat(noRid.body().path("code").asInt()).isEqualTo(-1);
        assertThat(noRid.body().path("errmsg").asText()).contains("rid is required");
        Api.Response sneaky = call(operator, "PUT", "/api/putask/download",
                "{\"rid\": \"1\", \"task_type\": \"download\\\", \\\"shell\\\": \\\"id\"}");
        assertThat(sneaky.status()).isEqualTo(400);
        Api.Response otherType = call(worker, "GET", "/querytask?type=upload&name=w&num=1", null);
        assertThat(otherType.status()).isEqualTo(403);
        Api.Response badStat = call(worker, "POST", "/updatetask", "{\"id\": 1, \"stat\": 7}");
        assertThat(badStat.status()).isEqualTo(400);
        assertThat(badStat.body().path("errmsg").asText()).contains("stat");
        Api.Response badName = call(worker, "GET", "/beat?type=download&name=" + URLEncoder.encode("a b", StandardCharsets.UTF_8), null);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.body().asText()).contains("name");
    }

    private static JsonNode row(JsonNode data, long id) {
        for (JsonNode task : data) {
            if (task.path("id").asLong() == id) {
                return task;
            }
        }
        throw new AssertionError("no task " + id + " in " + data);
    }
}
