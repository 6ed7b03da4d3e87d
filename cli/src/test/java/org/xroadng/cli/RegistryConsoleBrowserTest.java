package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.xroadng.auditlog.browser.HeadlessChromium;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The central registry's console in a real (headless Chromium) browser on the demo network: the
 * population registry's security server files a clientReg for a new subsystem, and the registry
 * console user the demo made (listed in {@code network.json}) opens the pending request, sees its
 * proof (who signed, the certificate, the OCSP status) and approves it; the registry then lists the
 * subsystem as a client of that server. A viewer sees the pages in Vietnamese, and an approval
 * forced through a disabled form is refused by the server. Screenshots of the main pages go to
 * {@code target/registry-console-*.png} (copied to {@code docs/images}). Skipped without Chromium
 * unless {@code XROAD_REQUIRE_BROWSER=1}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryConsoleBrowserTest {

    private static final String NEW_CLIENT = "DEMO/GOV/1001/archive";

    @TempDir
    static Path dir;

    private static RunningDemo demo;
    private static JsonNode network;
    private static JsonNode provider;
    private static long pending;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws InterruptedException, IOException {
        demo = RunningDemo.start(new CliRunner(Map.of()), RunningDemo.freeBasePort(), dir.resolve("demo-data"));
        network = ProtocolJson.mapper().readTree(Files.readString(dir.resolve("demo-data").resolve("network.json")));
        for (JsonNode server : network.path("servers")) {
            if (server.path("clients").toString().contains("DEMO/GOV/1001/population") && provider == null) {
                provider = server;
            }
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        demo.stop();
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.write(Path.of("target", "registry-console-" + name + ".png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private JsonNode call(String base, String key, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.statusCode() < 300, method + " " + path + ": " + answer.body());
        return ProtocolJson.mapper().readTree(answer.body());
    }

    private JsonNode registry(String method, String path) throws IOException, InterruptedException {
        return call(network.path("registry").path("url").asText(), network.path("registry").path("apiKey").asText(),
                method, path, null);
    }

    private static void signIn(WebDriver browser, WebDriverWait wait, String user, String password) {
        browser.get(network.path("registry").path("console").path("url").asText());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in-as")));
    }

    @Test
    @Order(1)
    void registrar_approvesAPendingClientRegistrationAfterSeeingItsProof() throws IOException, InterruptedException {
        JsonNode console = network.path("registry").path("console");
        assertEquals("registrar", console.path("user").asText());
        String admin = provider.path("admin").asText();
        String key = provider.path("apiKey").asText();
        call(admin, key, "POST", "/clients", "{\"id\":\"" + NEW_CLIENT + "\"}");
        JsonNode filed = call(admin, key, "POST", "/client-registrations", "{\"client\":\"" + NEW_CLIENT + "\"}");
        assertEquals("pending", filed.path("status").asText(), filed.toString());
        pending = filed.path("id").asLong();

        WebDriver browser = HeadlessChromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
            signIn(browser, wait, console.path("user").asText(), console.path("password").asText());
            assertEquals("Overview", browser.findElement(By.tagName("h1")).getText());
            assertTrue(browser.findElement(By.id("pending-requests")).getText().contains("One management request"),
                    browser.findElement(By.id("pending-requests")).getText());
            screenshot(browser, "overview");

            browser.findElement(By.id("nav-requests")).click();
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("request-" + pending)));
            assertTrue(row.getText().contains(NEW_CLIENT) && row.getText().contains("client registration"),
                    row.getText());
            screenshot(browser, "requests");
            row.findElement(By.tagName("a")).click();

            WebElement proof = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("proof-signer")));
            assertTrue(proof.findElement(By.className("proof-identity")).getText()
                    .contains("urn:xroad:member:DEMO/GOV/1001"), proof.getText());
            assertFalse(proof.findElement(By.className("proof-subject")).getText().isEmpty());
            assertFalse(proof.findElement(By.className("proof-issuer")).getText().isEmpty());
            assertFalse(proof.findElement(By.className("proof-serial")).getText().isEmpty());
            assertEquals("good", proof.findElement(By.className("proof-ocsp")).getText());
            screenshot(browser, "request");

            browser.findElement(By.id("approve")).click();
            WebElement done = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("done")));
            assertTrue(done.getText().startsWith("Request approved"), done.getText());
            assertEquals("approved", browser.findElement(By.id("request-status")).getText());
            assertTrue(browser.findElement(By.id("request-decided")).getText().contains("user:registrar (admin)"));

            assertEquals("approved", registry("GET", "/management-requests/" + pending).path("status").asText());
            assertTrue(registry("GET", "/security-servers/" + provider.path("id").asText()).path("clients").toString()
                    .contains(NEW_CLIENT));

            browser.findElement(By.id("nav-members")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("members")));
            assertTrue(browser.findElement(By.id("subsystems")).getText().contains(NEW_CLIENT));
            screenshot(browser, "members");
            browser.findElement(By.id("nav-servers")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("servers")));
            screenshot(browser, "servers");
            browser.findElement(By.id("nav-users")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-user")));
            browser.findElement(By.id("name")).sendKeys("mai");
            browser.findElement(By.id("password")).sendKeys("short");
            browser.findElement(By.id("add-user-submit")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password-error"))).getText()
                    .contains("10 to 72 bytes"));
            browser.findElement(By.id("password")).sendKeys("a long passphrase here");
            new Select(browser.findElement(By.id("role"))).selectByValue("viewer");
            browser.findElement(By.id("add-user-submit")).click();
            assertEquals("The user was added.", wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("done"))).getText());
            assertTrue(browser.findElement(By.id("user-mai")).getText().contains("viewer"));
            screenshot(browser, "users");
            browser.findElement(By.id("nav-checkpoints")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("checkpoints")));
            screenshot(browser, "checkpoints");
            browser.findElement(By.id("nav-audit")).click();
            WebElement audit = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit")));
            assertTrue(audit.getText().contains("user:registrar (admin)")
                    && audit.getText().contains("managementRequest.approve"), audit.getText());
            screenshot(browser, "audit");
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(2)
    void viewer_seesThePagesInVietnameseAndAForcedApprovalIsRefused() throws IOException, InterruptedException {
        String admin = provider.path("admin").asText();
        String key = provider.path("apiKey").asText();
        String second = "DEMO/GOV/1001/library";
        call(admin, key, "POST", "/clients", "{\"id\":\"" + second + "\"}");
        long id = call(admin, key, "POST", "/client-registrations", "{\"client\":\"" + second + "\"}").path("id").asLong();
        call(network.path("registry").path("url").asText(), network.path("registry").path("apiKey").asText(), "POST",
                "/console-users", "{\"name\":\"vy\",\"password\":\"viewer password 1\",\"role\":\"viewer\"}");

        WebDriver browser = HeadlessChromium.start("vi-VN,vi", "Asia/Ho_Chi_Minh");
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
            signIn(browser, wait, "vy", "viewer password 1");
            assertEquals("Tổng quan", browser.findElement(By.tagName("h1")).getText());
            assertTrue(browser.findElement(By.id("signed-in-as")).getText().contains("Đã đăng nhập: vy (viewer)"));
            screenshot(browser, "overview-vi");

            browser.get(network.path("registry").path("console").path("url").asText() + "requests/view?id=" + id);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("proof-signer")));
            assertEquals("còn hiệu lực", browser.findElement(By.className("proof-ocsp")).getText());
            assertFalse(browser.findElement(By.id("approve")).isEnabled(), "the viewer cannot send the form");
            screenshot(browser, "request-vi");
            ((JavascriptExecutor) browser).executeScript(
                    "document.querySelectorAll('form fieldset').forEach(f => f.disabled = false);");
            browser.findElement(By.id("approve")).click();
            WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("refusal")));
            assertTrue(refusal.getText().startsWith("Bị từ chối: vai trò của bạn không cho phép thay đổi này"),
                    refusal.getText());
            assertEquals("pending", registry("GET", "/management-requests/" + id).path("status").asText());
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(3)
    void userCommands_addListChangeThePasswordAndDelete_andRefuseBadInputClearly() throws IOException {
        CliRunner xroad = new CliRunner(Map.of(RegistryOperatorCommands.URL_ENV,
                network.path("registry").path("url").asText(), RegistryOperatorCommands.KEY_ENV,
                network.path("registry").path("apiKey").asText()));
        Path password = Files.writeString(dir.resolve("pw.txt"), "a long passphrase here\n");
        CliRunner.Run added = xroad.run("registry", "user", "add", "lan", "--role", "registration-officer",
                "--password-file", password.toString());
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("user lan added with role registration-officer"), added.out());
        CliRunner.Run listed = xroad.run("registry", "user", "list");
        assertTrue(listed.out().contains("lan") && listed.out().contains("registrar"), listed.out());

        CliRunner.Run badRole = xroad.run("registry", "user", "add", "kim", "--role", "admiral", "--password-file",
                password.toString());
        assertEquals(1, badRole.exitCode());
        assertTrue(badRole.err().contains("unknown role 'admiral'"), badRole.err());
        Path shortPassword = Files.writeString(dir.resolve("short.txt"), "short\n");
        CliRunner.Run tooShort = xroad.run("registry", "user", "add", "kim", "--role", "viewer", "--password-file",
                shortPassword.toString());
        assertEquals(1, tooShort.exitCode());
        assertTrue(tooShort.err().contains("expected 10..72 bytes"), tooShort.err());
        assertFalse(xroad.run("registry", "user", "list").out().contains("kim"), "nothing stored");

        Path newPassword = Files.writeString(dir.resolve("new.txt"), "another long passphrase\n");
        assertEquals(0, xroad.run("registry", "user", "passwd", "lan", "--password-file", newPassword.toString())
                .exitCode());
        assertEquals(0, xroad.run("registry", "user", "delete", "lan").exitCode());
        assertFalse(xroad.run("registry", "user", "list").out().contains("lan"));
    }
}
