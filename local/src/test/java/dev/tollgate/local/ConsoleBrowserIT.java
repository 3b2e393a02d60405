package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; no driver
 * download), against one local runner with the mock upstreams: seed 000's flows, click by click. Every screen is
 * checked with axe-core (0 serious or critical violations) and saved as a screenshot under
 * {@code target/console-screenshots/}. One browser and one runner for the whole class, tests in order.
 *
 * <p>Without Chromium or its driver the class is skipped with a message saying what to install; CI installs both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("tollgate.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPENAI_KEY = "sk-proj-consoleBROWSERtest00000000000042";
    private static final String CHAT = "{\"tool\":\"openai\",\"operation\":\"chat_completion\",\"input\":{\"model\":"
            + "\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";

    private static MockUpstreams mocks;
    private static LocalTollgate tollgate;
    private static String base;
    private static ChromeDriver browser;
    private static WebDriverWait await;
    private static String axeSource;
    private static String ada;
    private static String bob;
    private static String workspace;
    private static final List<String> A11Y_VIOLATIONS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "ConsoleBrowserIT skipped: headless Chromium not found (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "); install it with `apt-get install -y chromium chromium-driver` (.ci/run does)");
        try (InputStream axe = ConsoleBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            axeSource = new String(axe.readAllBytes(), StandardCharsets.UTF_8);
        }
        mocks = MockUpstreams.start(ProviderCatalog.load(Config.of(Map.of())));
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(mocks.environment()));
        mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken());
        base = tollgate.baseUrl().toString().replaceAll("/$", "");

        var accounts = tollgate.services().accountService();
        Account adaAccount = accounts.create(Account.Type.PERSONAL, Plan.PRO, "Ada", "test");
        accounts.topUp(adaAccount.id(), 100 * Credits.MICROS_PER_CREDIT, "seed-ada", "test");
        ada = accounts.issueApiKey(adaAccount.id(), "console", "test").token();
        Account bobAccount = accounts.create(Account.Type.PERSONAL, Plan.PRO, "Bob", "test");
        bob = accounts.issueApiKey(bobAccount.id(), "console", "test").token();
        workspace = http("POST", "/api/v1/workspaces", ada, "{\"name\":\"Research\"}").path("id").asText();
        accounts.update(workspace, Plan.TEAM, null, "test");
        http("POST", "/api/v1/workspaces/" + workspace + "/members", ada,
                "{\"account_id\":\"" + bobAccount.id() + "\",\"role\":\"member\"}");

        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("tollgate-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        await = new WebDriverWait(browser, Duration.ofSeconds(20));
        await.pollingEvery(Duration.ofMillis(100));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (tollgate != null) {
            tollgate.close();
        }
        if (mocks != null) {
            mocks.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static JsonNode http(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, method + " " + path + ": " + response.statusCode() + " " + response.body());
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static WebElement visible(String css) {
        return await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    private static void textIn(String css, String text) {
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    private static void openTab(String screen) {
        visible("#tab-" + screen).click();
        await.until(d -> screen.equals(d.findElement(By.id("view")).getAttribute("data-screen")));
        idle();
    }

    /** Waits until no region of the screen is loading. */
    private static void idle() {
        await.until(d -> d.findElements(By.cssSelector("[aria-busy='true'], .loading")).isEmpty());
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static String storage() {
        return String.valueOf(js("return JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie"));
    }

    /** axe-core on the current screen: serious and critical violations are collected, then a full-page screenshot. */
    private static void check(String screen) throws IOException {
        idle();
        if (js("return typeof axe") .equals("undefined")) {
            js(axeSource);
        }
        Object result = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)))"
                        + ".catch(e => done('error: ' + e));");
        String json = String.valueOf(result);
        assertFalse(json.startsWith("error"), json);
        for (JsonNode violation : JSON.readTree(json)) {
            String impact = violation.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                A11Y_VIOLATIONS.add(screen + ": " + violation.path("id").asText() + " (" + impact + ") "
                        + violation.path("nodes").findValuesAsText("target"));
            }
        }
        screenshot(screen);
    }

    private static void screenshot(String name) throws IOException {
        Dimension size = browser.manage().window().getSize();
        long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
        browser.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(4000, Math.max(size.getHeight(), height + 120))));
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        browser.manage().window().setSize(size);
    }

    private static void signIn(String token) {
        browser.get(base + "/console/");
        WebElement key = visible("#api-key");
        key.sendKeys(token, Keys.ENTER);
        visible("#view h1");
        idle();
    }

    private static void signOut() {
        visible("#sign-out").click();
        visible("#api-key");
        assertEquals("{}{}", storage(), "sign-out forgets the API key");
    }

    // ---- the flows of seed 000 ----------------------------------------------------------------------------------

    @Test
    @Order(1)
    void signInThenAWrongKeyFormatIsRefusedInPlaceAndARightOneShowsOnlyItsHint() throws Exception {
        browser.get(base + "/console/");
        WebElement key = visible("#api-key");
        assertEquals(key, browser.switchTo().activeElement(), "the key field has focus: the form works from the keyboard");
        check("01-sign-in");
        key.sendKeys("tg_test_thisIsNotAKey", Keys.ENTER);
        textIn("#sign-in-error", "API key");
        assertEquals("{}{}", storage(), "a refused key is not kept");

        key.clear();
        key.sendKeys(ada, Keys.ENTER);
        textIn("#view h1", "Settings › API Key");
        idle();
        assertTrue(storage().contains(ada), "the API key lives in sessionStorage");
        assertEquals("{}", String.valueOf(js("return JSON.stringify(localStorage)")), "never in localStorage");

        new Select(visible("#byok-provider")).selectByValue("openai");
        textIn("#byok-format", "sk-");
        visible("#byok-key").sendKeys("not-an-openai-key");
        visible("#save-key").click();
        textIn("#byok-error", "not a valid OpenAI key");
        assertEquals("invalid_key_format", visible("#byok-error").getAttribute("data-code"));
        assertEquals(0, http("GET", "/api/v1/byok", ada, null).path("data").size(), "nothing stored");
        assertEquals("", visible("#byok-key").getAttribute("value"), "the form forgets what was typed");

        visible("#byok-key").sendKeys(OPENAI_KEY);
        visible("#save-key").click();
        textIn("#key-status", "…0042");
        textIn("#key-status", "active");
        idle();
        String page = browser.getPageSource() + js("return document.documentElement.outerHTML + "
                + "[...document.querySelectorAll('input')].map(i => i.value).join('|')") + storage();
        assertFalse(page.contains(OPENAI_KEY), "the provider key never appears in the DOM or in storage");
        assertFalse(page.contains("consoleBROWSER"), "not even in part");
        check("02-settings-api-key");
    }

    @Test
    @Order(2)
    void aCallShowsInUsageThenRemovingTheKeyWithConfirmSwitchesToCredits() throws Exception {
        JsonNode billing = http("POST", "/api/v1/execute", ada, CHAT, "X-Tollgate-Run", "seed-000-demo").path("billing");
        assertEquals("byok", billing.path("mode").asText());
        openTab("usage");
        textIn("#balance", "100");
        textIn("tr[data-run='seed-000-demo']", "seed-000-demo");
        WebElement run = visible("tr[data-run='seed-000-demo']");
        assertTrue(run.getText().contains("1 byok"), run.getText());
        run.findElement(By.tagName("button")).click();
        textIn("#run-detail", "openai_chat_completion");
        assertFalse(browser.findElements(By.cssSelector("figure.chart svg")).isEmpty(), "charts are drawn");
        check("03-usage");

        openTab("settings");
        WebElement row = visible("tr[data-provider='openai']");
        row.findElement(By.xpath(".//button[text()='Remove Key']")).click();
        WebElement confirm = visible("tr[data-provider='openai'] button.danger");
        assertEquals("Confirm", confirm.getText());
        confirm.click();
        textIn("#byok-notice", "credits");
        textIn("#key-status", "no key");
        textIn("#key-status", "Credits");
        assertEquals(0, http("GET", "/api/v1/byok", ada, null).path("data").size());
        assertEquals("credits", http("POST", "/api/v1/execute", ada, CHAT).path("billing").path("mode").asText());

        openTab("tools");
        textIn("tr[data-tool='openai_chat_completion']", "Credits");
        textIn("tr[data-tool='context7_resolve_library']", "Free");
        textIn("pre.snippet", base + "/mcp");
        check("04-tools");
    }

    @Test
    @Order(3)
    void anAdminManagesTeamKeysAndAgentsAndAPinnedKeyIsInUse() throws Exception {
        new Select(visible("#context")).selectByValue(workspace);
        openTab("workspace-keys");
        new Select(visible("#ws-provider")).selectByValue("openai");
        visible("#ws-display-name").sendKeys("Research OpenAI");
        visible("#ws-key").sendKeys("sk-proj-teamBROWSERtest000000000000007");
        visible("#add-ws-key").click();
        textIn("#view table", "Research OpenAI");
        textIn("#view table", "default");
        assertFalse(browser.getPageSource().contains("teamBROWSER"));
        check("05-workspace-ai-keys");

        openTab("agents");
        visible("#agent-name").sendKeys("support-bot");
        visible("#create-agent").click();
        String agentKey = visible("#agent-api-key").getText();
        assertTrue(agentKey.startsWith("tg_test_"), "the agent's API key is shown once: " + agentKey);
        textIn("#view table", "support-bot");
        WebElement agent = visible("tr[data-agent]");
        agent.findElement(By.xpath(".//button[text()='Pin key']")).click();
        textIn("tr[data-agent] ul", "openai: Research OpenAI");
        assertEquals("agent", http("POST", "/api/v1/execute", agentKey, CHAT).path("billing").path("key_source").asText());
        check("06-agents");

        openTab("workspace-keys");
        visible("#view tbody tr button.danger").click();
        visible("#view tbody tr button.danger").click();
        textIn("[data-code='key_in_use']", "support-bot");
        visible("#force-delete");
        check("07-key-in-use");
    }

    @Test
    @Order(4)
    void aMemberGetsNoAiKeysTabAndCannotManageAgents() throws Exception {
        signOut();
        signIn(bob);
        assertTrue(browser.findElements(By.id("tab-workspace-keys")).isEmpty(), "no AI Keys tab on a personal account");
        new Select(visible("#context")).selectByValue(workspace);
        openTab("agents");
        assertTrue(browser.findElements(By.id("tab-workspace-keys")).isEmpty(), "members do not get the AI Keys tab");
        assertTrue(browser.findElements(By.id("agent-form")).isEmpty(), "members cannot create agents");
        textIn("#view", "support-bot");
        assertTrue(browser.findElements(By.cssSelector("tr[data-agent] button")).isEmpty(), "no write buttons");
        browser.get(base + "/console/#/workspace-keys");
        visible("#view h1");
        assertFalse("workspace-keys".equals(browser.findElement(By.id("view")).getAttribute("data-screen")),
                "the AI Keys screen is not reachable by URL either");
        check("08-member-agents");
    }

    @Test
    @Order(5)
    void everyScreenWorksAt375PixelsAndNoScreenHasSeriousAccessibilityViolations() throws Exception {
        Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(375, 812));
        try {
            for (String screen : List.of("settings", "agents", "usage", "tools")) {
                openTab(screen);
                long overflow = ((Number) js("return document.documentElement.scrollWidth - window.innerWidth")).longValue();
                assertTrue(overflow <= 0, screen + " scrolls sideways at 375 px by " + overflow + " px");
                check("09-mobile-" + screen);
            }
        } finally {
            browser.manage().window().setSize(desktop);
        }
        assertEquals(List.of(), A11Y_VIOLATIONS, "axe-core: serious or critical violations");
    }
}
