package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.web.context.WebServerApplicationContext;
import routes.support.Api;
import routes.support.Browser;
import routes.support.Cluster;
import routes.support.ConsoleUsers;

/**
 * The operators' console in a real headless browser (Debian's chromium): an operator submits a task and watches
 * its output live until it ends, bulk-retries failed tasks and drains an agent; an admin creates a job through the
 * cron editor and sees its next fires, and visits every page. Screenshots: target/console-screenshots/. Runs on
 * the embedded stores only (the console does not depend on the stores), and is skipped without chromedriver.
 */
@DisabledIf("routes.support.TestStores#external")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {

    private Cluster cluster;
    private Api api;
    private int port;

    @BeforeAll
    void start(@TempDir Path dir) {
        Assumptions.assumeTrue(Browser.available(), "no /usr/bin/chromedriver: install chromium and chromium-driver");
        cluster = new Cluster(dir).control();
        api = cluster.api();
        port = ((WebServerApplicationContext) cluster.controlContext()).getWebServer().getPort();
        cluster.agent("console-a", 4, "default,bulk", Map.of());
        cluster.agent("console-b", 4, "default", Map.of());
        ConsoleUsers.create(api, "olga", "operator");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.agent("console-a").path("alive").asBoolean()
                && api.agent("console-b").path("alive").asBoolean());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anOperatorSubmitsATaskAndWatchesItsOutputLiveUntilItEnds() {
        try (Browser browser = new Browser(port, "submit")) {
            browser.login("olga", ConsoleUsers.PASSWORD);
            browser.open("/tasks", "tasks");
            browser.click(By.id("new-task"));
            browser.click(By.id("task-use-shell"));
            browser.type(By.id("task-command"), "for i in 1 2 3 4 5 6; do echo tick $i; sleep 1; done; echo '<b>done</b>' >&2");
            browser.type(By.id("task-env"), "GREETING=hi\nAPI_TOKEN=s3cret");
            browser.shot("submit-form");
            browser.click(By.id("submit-task"));

            // the task's page, while it runs: output arrives before the end
            browser.until(d -> d.findElement(By.id("main")).getAttribute("data-page").startsWith("/tasks/"));
            browser.find(By.id("output-live"));
            browser.awaitText(By.id("stdout"), "tick 2");
            assertThat(browser.find(By.id("stdout")).getText()).doesNotContain("tick 6");
            browser.shot("task-running");

            browser.until(d -> d.findElement(By.id("task-summary")).getText().contains("exit code"));
            browser.awaitText(By.id("stdout"), "tick 6");
            browser.awaitText(By.id("stderr"), "<b>done</b>");        // shown as text, never as markup
            assertThat(browser.present(By.cssSelector("#stderr b"))).isFalse();
            browser.awaitText(By.cssSelector(".page-head"), "SUCCEEDED");
            assertThat(browser.find(By.id("task-summary")).getText()).contains("API_TOKEN=********").doesNotContain("s3cret");
            assertThat(browser.find(By.id("timeline")).getText()).contains("succeeded on");
            browser.shot("task-finished");
        }
    }

    @Test
    void anAdminCreatesAJobThroughTheCronEditorAndSeesItsNextFires() {
        try (Browser browser = new Browser(port, "job")) {
            browser.login("admin", Cluster.ADMIN_PASSWORD);
            browser.open("/jobs/new", "new");
            browser.type(By.id("job-name"), "console-nightly");
            browser.type(By.id("job-cron"), "0 61 9 * * ?");
            String reason = browser.find(By.id("preview-error")).getText();
            assertThat(reason).isNotBlank();
            browser.shot("cron-refused");

            WebElement cron = browser.find(By.id("job-cron"));
            cron.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
            cron.sendKeys("0 30 9 * * MON-FRI");
            WebElement zone = browser.find(By.id("job-zone"));
            zone.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
            zone.sendKeys("Europe/Berlin");
            browser.until(d -> d.findElements(By.cssSelector("#preview-next li")).size() == 10
                    && d.findElement(By.id("preview-description")).getText().length() > 0
                    && d.findElement(By.id("cron-preview")).getText().contains("Europe/Berlin"));
            assertThat(browser.find(By.cssSelector("#preview-next li")).getText()).contains("T09:30");
            browser.type(By.id("task-command"), "true");
            new Select(browser.find(By.id("job-overlap"))).selectByValue("forbid");
            browser.shot("cron-preview");
            browser.click(By.id("job-save"));

            // the job's own page, not the form still showing (its route, /jobs/new, has the same shape)
            browser.until(d -> d.findElement(By.id("main")).getAttribute("data-page").matches("/jobs/(?!new$)[^/]+")
                    && "true".equals(d.findElement(By.id("main")).getAttribute("data-loaded")));
            assertThat(browser.all(By.cssSelector("#job-next li"))).hasSize(10);
            assertThat(browser.find(By.id("job-description")).getText()).isNotBlank();
            browser.shot("job");
            JsonNode job = api.get("/api/jobs").body().path("jobs").get(0);
            assertThat(job.path("name").asText()).isEqualTo("console-nightly");
            assertThat(job.path("schedule").path("timeZone").asText()).isEqualTo("Europe/Berlin");
            assertThat(job.path("overlap").asText()).isEqualTo("forbid");

            browser.open("/jobs", "jobs");
            assertThat(browser.find(By.id("job-table")).getText()).contains("console-nightly");
        }
    }

    @Test
    void anOperatorBulkRetriesTheFailedTasksOfAFilter() {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            failed.add(api.submit("{\"type\": \"bulk\", \"command\": [\"false\"]}"));
        }
        String other = api.submit("{\"type\": \"default\", \"command\": [\"false\"]}");
        for (String id : concat(failed, other)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> api.task(id).path("state").asText().equals("FAILED"));
        }
        try (Browser browser = new Browser(port, "bulk")) {
            browser.login("olga", ConsoleUsers.PASSWORD);
            browser.open("/tasks?state=FAILED&type=bulk", "failed");
            browser.awaitText(By.id("task-total"), "3 tasks");
            browser.click(By.id("bulk-retry"));
            browser.find(By.cssSelector("dialog.confirm"));
            browser.shot("confirm");
            browser.click(By.id("confirm-ok"));
            browser.awaitText(By.id("toasts"), "3 matched");
            for (String id : failed) {
                await().atMost(Duration.ofSeconds(30)).until(() -> attempts(api.task(id)) >= 2);
            }
            assertThat(attempts(api.task(other))).isEqualTo(1);
            browser.shot("retried");
        }
    }

    @Test
    void anOperatorDrainsAnAgentAndResumesIt() {
        try (Browser browser = new Browser(port, "drain")) {
            browser.login("olga", ConsoleUsers.PASSWORD);
            browser.open("/agents", "agents");
            browser.click(By.id("drain-console-b"));
            browser.click(By.id("confirm-ok"));
            await().atMost(Duration.ofSeconds(30)).until(() -> api.agent("console-b").path("status").path("draining").asBoolean());
            browser.awaitText(By.cssSelector("[data-agent='console-b']"), "draining");
            browser.shot("draining");
            browser.click(By.id("resume-console-b"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !api.agent("console-b").path("status").path("draining").asBoolean());
        }
    }

    @Test
    void anAdminSeesEveryPage() {
        String task = api.submit("{\"command\": [\"echo\", \"<script>alert(1)</script>\"], \"env\": {\"DB_PASSWORD\": \"hunter2\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(task).path("state").asText().equals("SUCCEEDED"));
        String job = api.createJob("{\"name\": \"console-tour\", \"schedule\": {\"every\": \"1h\"}, \"task\": {\"command\": [\"true\"]}}");
        Api.Response resident = api.post("/api/residents",
                "{\"name\": \"console-sleeper\", \"instances\": 1, \"task\": {\"command\": [\"sleep\", \"300\"]}}");
        try (Browser browser = new Browser(port, "tour")) {
            browser.login("admin", Cluster.ADMIN_PASSWORD);
            browser.open("/dashboard", "dashboard");
            browser.find(By.id("tiles"));
            // it updates itself without a reload
            String stamp = browser.find(By.id("dash-updated")).getText();
            browser.until(d -> !d.findElement(By.id("dash-updated")).getText().equals(stamp));
            assertThat(browser.find(By.id("tile-succeeded")).getText()).doesNotStartWith("0");
            browser.open("/tasks", "tasks");
            browser.open("/tasks/" + task, "task");
            browser.awaitText(By.id("stdout"), "<script>alert(1)</script>");
            assertThat(browser.find(By.id("task-summary")).getText()).contains("DB_PASSWORD=********").doesNotContain("hunter2");
            browser.open("/jobs", "jobs");
            browser.open("/jobs/" + job, "job-page");
            browser.open("/jobs/" + job + "/edit", "job-edit");
            browser.open("/agents", "agents");
            browser.open("/residents", "residents");
            browser.open("/residents/" + resident.text("id"), "resident");
            browser.open("/versions", "versions");
            browser.open("/users", "users");
            assertThat(browser.find(By.id("user-table")).getText()).contains("olga");
            browser.open("/tokens", "tokens");
            browser.type(By.id("token-name"), "console-ci");
            browser.click(By.id("token-create"));
            assertThat(browser.find(By.id("token-value")).getText()).isNotBlank();
            browser.shot("token-shown");
            browser.open("/audit", "audit");
            browser.open("/quarantine", "quarantine");
            api.post("/api/alert-channels", "{\"name\": \"ops\", \"kind\": \"webhook\", \"url\":"
                    + " \"https://hooks.example.com/caravan\", \"secret\": \"console-secret-0123456789\"}");
            api.post("/api/alert-rules", "{\"name\": \"console-dead\", \"kind\": \"agent-dead\", \"channels\": [\"ops\"]}");
            browser.open("/alerts", "alerts");
            assertThat(browser.find(By.id("alert-rule-table")).getText()).contains("console-dead", "agent-dead", "ops");
            assertThat(browser.find(By.id("alert-channel-table")).getText()).contains("ops", "hooks.example.com/caravan", "set")
                    .doesNotContain("console-secret");
            browser.open("/alerts/rules/new", "alert-rule-new");
            browser.open("/alerts/channels/ops/edit", "alert-channel-edit");
            assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
        }
    }

    /** How many times the task was dispatched. */
    private static int attempts(JsonNode task) {
        int n = 0;
        for (JsonNode event : task.path("events")) {
            if (event.path("state").asText().equals("DISPATCHED")) {
                n++;
            }
        }
        return n;
    }

    private static List<String> concat(List<String> ids, String more) {
        List<String> all = new ArrayList<>(ids);
        all.add(more);
        return all;
    }
}
