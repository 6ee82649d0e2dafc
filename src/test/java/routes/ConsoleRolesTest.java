package routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.web.context.WebServerApplicationContext;
import routes.support.Api;
import routes.support.Browser;
import routes.support.Cluster;
import routes.support.ConsoleUsers;

/**
 * What each role sees in the console: a viewer sees no control that changes anything (and the API refuses it
 * if it tries from the page), an operator sees the operational ones but no definitions, users or audit; an admin
 * sees everything. Logging in with a wrong password fails; logging out goes back to the login page.
 */
@DisabledIf("routes.support.TestStores#external")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleRolesTest {

    /** The texts of buttons and links that change something. */
    private static final Pattern CHANGES = Pattern.compile(
            "^(Submit task|Retry.*|Cancel.*|Drain|Resume|Pause|Run now|Edit|Delete|Scale|Replay|Drop|New job|New resident|Register.*|Remove|Revoke|Set password)$");

    private Cluster cluster;
    private Api api;
    private int port;
    private String failedTask;
    private String runningTask;
    private String job;
    private String resident;

    @BeforeAll
    void start(@TempDir Path dir) {
        Assumptions.assumeTrue(Browser.available(), "no /usr/bin/chromedriver: install chromium and chromium-driver");
        cluster = new Cluster(dir).control();
        api = cluster.api();
        port = ((WebServerApplicationContext) cluster.controlContext()).getWebServer().getPort();
        cluster.agent("roles-a", 4, "default", Map.of());
        ConsoleUsers.create(api, "vera", "viewer");
        ConsoleUsers.create(api, "otto", "operator");
        failedTask = api.submit("{\"command\": [\"false\"]}");
        runningTask = api.submit("{\"command\": [\"sleep\", \"300\"]}");
        job = api.createJob("{\"name\": \"roles-job\", \"schedule\": {\"every\": \"1h\"}, \"task\": {\"command\": [\"true\"]}}");
        resident = api.post("/api/residents", "{\"name\": \"roles-resident\", \"instances\": 1, \"task\": {\"command\": [\"sleep\", \"300\"]}}").text("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.task(failedTask).path("state").asText().equals("FAILED")
                && api.task(runningTask).path("state").asText().equals("RUNNING"));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aViewerSeesNothingThatChangesAnythingAndTheApiRefusesItAnyway() {
        try (Browser browser = new Browser(port, "roles-viewer")) {
            browser.login("vera", ConsoleUsers.PASSWORD);
            assertThat(browser.find(By.id("who-role")).getText()).isEqualTo("viewer");
            assertThat(browser.present(By.id("nav-users"))).isFalse();
            assertThat(browser.present(By.id("nav-audit"))).isFalse();
            for (String[] page : pages()) {
                browser.open(page[0], page[1]);
                assertThat(changeControls(browser)).as("controls that change something on " + page[0]).isEmpty();
            }
            assertThat(browser.fetchStatus("POST", "/api/tasks", "{\"command\": [\"true\"]}")).isEqualTo(403);
            assertThat(browser.fetchStatus("POST", "/api/tasks/" + failedTask + "/retry", "")).isEqualTo(403);
            assertThat(browser.fetchStatus("POST", "/api/agents/roles-a/drain", "")).isEqualTo(403);
            assertThat(browser.fetchStatus("POST", "/api/jobs/" + job + "/run", "")).isEqualTo(403);
            assertThat(browser.fetchStatus("GET", "/api/users", null)).isEqualTo(403);
            assertThat(api.agent("roles-a").path("status").path("draining").asBoolean()).isFalse();
        }
    }

    @Test
    void anOperatorSeesTheOperationalControlsButNoDefinitionsUsersOrAudit() {
        try (Browser browser = new Browser(port, "roles-operator")) {
            browser.login("otto", ConsoleUsers.PASSWORD);
            assertThat(browser.find(By.id("who-role")).getText()).isEqualTo("operator");
            assertThat(browser.present(By.id("nav-users"))).isFalse();
            browser.open("/tasks", "tasks");
            assertThat(browser.present(By.id("new-task"))).isTrue();
            assertThat(browser.present(By.id("bulk-retry"))).isTrue();
            browser.open("/tasks/" + failedTask, "task");
            assertThat(browser.present(By.id("task-retry"))).isTrue();
            browser.open("/tasks/" + runningTask, "running-task");
            assertThat(browser.present(By.id("task-cancel"))).isTrue();
            browser.open("/agents", "agents");
            assertThat(browser.present(By.id("drain-roles-a"))).isTrue();
            browser.open("/jobs/" + job, "job");
            assertThat(browser.present(By.id("job-run"))).isTrue();
            assertThat(browser.present(By.id("job-pause"))).isTrue();
            assertThat(browser.present(By.id("job-edit"))).isFalse();
            assertThat(browser.present(By.id("job-delete"))).isFalse();
            browser.open("/jobs", "jobs");
            assertThat(browser.present(By.id("new-job"))).isFalse();
            browser.open("/residents/" + resident, "resident");
            assertThat(browser.present(By.id("scale"))).isFalse();
            assertThat(browser.fetchStatus("POST", "/api/residents/" + resident + "/scale", "{\"instances\": 2}")).isEqualTo(403);
        }
    }

    @Test
    void anAdminSeesEveryControl() {
        try (Browser browser = new Browser(port, "roles-admin")) {
            browser.login("admin", Cluster.ADMIN_PASSWORD);
            assertThat(browser.find(By.id("who-role")).getText()).isEqualTo("admin");
            assertThat(browser.present(By.id("nav-users"))).isTrue();
            assertThat(browser.present(By.id("nav-audit"))).isTrue();
            browser.open("/jobs/" + job, "job");
            assertThat(browser.present(By.id("job-edit"))).isTrue();
            browser.open("/residents/" + resident, "resident");
            assertThat(browser.present(By.id("scale"))).isTrue();
            browser.open("/audit", "audit");
            assertThat(browser.find(By.id("audit-table")).getText()).contains("admin");
        }
    }

    @Test
    void aWrongPasswordIsRefusedAndLoggingOutEndsTheSession() {
        try (Browser browser = new Browser(port, "roles-login")) {
            browser.visit("/tasks");
            browser.awaitPage("/login");
            browser.shot("not-logged-in");
            browser.find(By.id("login-name")).sendKeys("vera");
            browser.find(By.id("login-password")).sendKeys("not her password");
            browser.click(By.id("login-submit"));
            assertThat(browser.find(By.id("login-error")).getText()).isNotBlank();
            browser.shot("refused");

            browser.login("vera", ConsoleUsers.PASSWORD);
            browser.click(By.id("logout"));
            browser.awaitPage("/login");
            assertThat(browser.fetchStatus("GET", "/api/session", null)).isEqualTo(401);
        }
    }

    private List<String[]> pages() {
        return List.of(new String[] {"/dashboard", "dashboard"}, new String[] {"/tasks", "tasks"},
                new String[] {"/tasks?state=FAILED", "failed"}, new String[] {"/tasks/" + failedTask, "task"},
                new String[] {"/tasks/" + runningTask, "running-task"}, new String[] {"/jobs", "jobs"},
                new String[] {"/jobs/" + job, "job"}, new String[] {"/agents", "agents"},
                new String[] {"/residents", "residents"}, new String[] {"/residents/" + resident, "resident"},
                new String[] {"/versions", "versions"}, new String[] {"/quarantine", "quarantine"});
    }

    private static List<String> changeControls(Browser browser) {
        return browser.all(By.cssSelector("#main button, #main a.btn, #main input[type=submit]")).stream()
                .map(WebElement::getText).map(String::strip).filter(t -> CHANGES.matcher(t).matches()).toList();
    }
}
