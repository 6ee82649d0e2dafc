package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless browser: Debian's chromium driven through its chromedriver. Every page the test
 * opens (and every {@link #shot}) is saved as {@code target/console-screenshots/<test>-<page>.png} for review.
 */
public class Browser implements AutoCloseable {

    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "console-screenshots");

    private final String base;
    private final String test;
    private final Path profile;
    private final ChromeDriver driver;
    private final WebDriverWait wait;

    /** Whether this machine has the browser and its driver (tests that need them are skipped otherwise). */
    public static boolean available() {
        return Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    }

    public Browser(int port, String test) {
        this.base = "http://127.0.0.1:" + port;
        this.test = test;
        try {
            this.profile = Files.createTempDirectory("caravan-chromium-");
            Files.createDirectories(SHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a console page by its route ("/tasks"), waits until it has drawn, and saves a screenshot. */
    public Browser open(String route, String shotName) {
        driver.get(base + "/#" + route);
        awaitPage(route.split("\\?")[0]);
        shot(shotName);
        return this;
    }

    /** Goes to a console route without waiting for it (it may send the browser elsewhere, e.g. to the login). */
    public void visit(String route) {
        driver.get(base + "/#" + route);
    }

    /** Waits until the console has drawn the page of this route (its first data loaded). */
    public void awaitPage(String path) {
        wait.until(d -> {
            WebElement main = d.findElement(By.id("main"));
            return path.equals(main.getAttribute("data-page")) && "true".equals(main.getAttribute("data-loaded"));
        });
    }

    /** Logs in through the login page and waits for the dashboard. */
    public Browser login(String name, String password) {
        driver.get(base + "/#/login");
        awaitPage("/login");
        find(By.id("login-name")).sendKeys(name);
        find(By.id("login-password")).sendKeys(password);
        shot("login");
        find(By.id("login-submit")).click();
        awaitPage("/dashboard");
        return this;
    }

    public WebElement find(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public boolean present(By by) {
        return !driver.findElements(by).isEmpty();
    }

    public void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    public void type(By by, String text) {
        WebElement input = find(by);
        input.clear();
        input.sendKeys(text);
    }

    /** Waits until the element's text contains {@code text}; returns the element's text. */
    public String awaitText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return find(by).getText();
    }

    public <T> T until(java.util.function.Function<WebDriver, T> condition) {
        return wait.until(condition);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /**
     * Calls the API from the page, as a script on it could: with the session cookie and the CSRF header. Returns
     * the HTTP status.
     */
    public long fetchStatus(String method, String path, String jsonBody) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("""
                const [method, path, body, done] = arguments;
                const token = (document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN=')) || '').slice(11);
                fetch(path, {method, credentials: 'same-origin',
                    headers: {'Content-Type': 'application/json', 'X-XSRF-TOKEN': decodeURIComponent(token)},
                    body: method === 'GET' ? undefined : body})
                  .then(r => done(r.status), e => done(-1));
                """, method, path, jsonBody);
        return ((Number) status).longValue();
    }

    /** Saves what the browser shows as target/console-screenshots/<test>-<name>.png. */
    public void shot(String name) {
        Path file = SHOTS.resolve(test + "-" + name + ".png");
        try {
            Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }
    }
}
