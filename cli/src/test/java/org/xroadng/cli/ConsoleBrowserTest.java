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
 * The security server console in a real (headless Chromium) browser on the demo network: the
 * operator the demo made signs in to the population registry's server, adds a service and grants
 * the tax board access to it, and a query through the tax board's server then succeeds; an observer
 * sees the same pages in Vietnamese with every form disabled, and a change forced through anyway is
 * refused by the server. Screenshots of the main pages go to {@code target/console-*.png} (copied to
 * {@code docs/images}). Skipped without Chromium unless {@code XROAD_REQUIRE_BROWSER=1}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final String SERVICE = "DEMO/GOV/1001/population/personCopy";

    @TempDir
    static Path dir;

    private static RunningDemo demo;
    private static JsonNode network;
    private static JsonNode provider;
    private static JsonNode consumer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws InterruptedException, IOException {
        demo = RunningDemo.start(new CliRunner(Map.of()), RunningDemo.freeBasePort(), dir.resolve("demo-data"));
        network = ProtocolJson.mapper().readTree(Files.readString(dir.resolve("demo-data").resolve("network.json")));
        for (JsonNode server : network.path("servers")) {
            String clients = server.path("clients").toString();
            if (clients.contains("DEMO/GOV/1001/population") && provider == null) {
                provider = server;
            }
            if (clients.contains("DEMO/GOV/1002/tax")) {
                consumer = server;
            }
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        demo.stop();
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.write(Path.of("target", "console-" + name + ".png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private HttpResponse<String> query(String service) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(consumer.path("clientProxy").asText() + "/r1/" + service
                        + "/EE38001010001")).header("X-Road-Client", "DEMO/GOV/1002/tax")
                .header("X-Road-Purpose", "tax-assessment").header("X-Road-Subject", "EE38001010001").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int adminCount(String path) throws IOException, InterruptedException {
        return ProtocolJson.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(provider.path("admin").asText()
                + "/api/v1" + path)).header("Authorization", "Bearer " + provider.path("apiKey").asText()).build(),
                HttpResponse.BodyHandlers.ofString()).body()).size();
    }

    private static void signIn(WebDriver browser, WebDriverWait wait, String user, String password) {
        browser.get(provider.path("console").path("url").asText());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-in-as")));
    }

    @Test
    @Order(1)
    void operator_addsAServiceAndGrantsTheTaxBoardAccess_thenTheTaxBoardsQuerySucceeds()
            throws IOException, InterruptedException {
        JsonNode console = provider.path("console");
        assertEquals("operator", console.path("user").asText());
        HttpResponse<String> before = query(SERVICE);
        assertTrue(before.statusCode() >= 400, "no such service yet: " + before.body());
        WebDriver browser = HeadlessChromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
            signIn(browser, wait, console.path("user").asText(), console.path("password").asText());
            assertEquals("Dashboard", browser.findElement(By.tagName("h1")).getText());
            assertTrue(browser.findElement(By.id("card-global")).getText().contains("Version"));

            browser.findElement(By.id("nav-services")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-service")));
            new Select(browser.findElement(By.id("provider"))).selectByValue("DEMO/GOV/1001/population");
            browser.findElement(By.id("code")).sendKeys("personCopy");
            browser.findElement(By.id("url")).sendKeys(network.path("providerIs").asText() + "/person");
            WebElement timeout = browser.findElement(By.id("timeoutSeconds"));
            timeout.clear();
            timeout.sendKeys("ten");
            browser.findElement(By.id("add-service-submit")).click();
            WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("timeoutSeconds-error")));
            assertTrue(error.getText().contains("from 1 to 600"), error.getText());
            assertEquals("personCopy", browser.findElement(By.id("code")).getAttribute("value"), "kept for fixing");
            timeout = browser.findElement(By.id("timeoutSeconds"));
            timeout.clear();
            timeout.sendKeys("20");
            browser.findElement(By.id("personalData")).click();
            browser.findElement(By.id("add-service-submit")).click();
            assertEquals("The service was added.", wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("done"))).getText());
            assertTrue(browser.findElement(By.id("services")).getText().contains(SERVICE));
            screenshot(browser, "services");

            browser.findElement(By.id("nav-access-rights")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("grant")));
            new Select(browser.findElement(By.id("service"))).selectByValue(SERVICE);
            browser.findElement(By.id("subject")).sendKeys("DEMO/GOV/1002/tax");
            browser.findElement(By.id("method")).sendKeys("GET");
            browser.findElement(By.id("purposes")).sendKeys("tax-assessment");
            browser.findElement(By.id("grant-submit")).click();
            assertEquals("Access was granted.", wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("done"))).getText());
            assertTrue(browser.findElement(By.id("rights")).getText().contains("DEMO/GOV/1002/tax"));
            screenshot(browser, "access-rights");

            HttpResponse<String> answer = query(SERVICE);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("EE38001010001"), answer.body());
            String queryId = answer.headers().firstValue("X-Road-Id").orElseThrow();

            browser.findElement(By.id("nav-message-log")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("queryId"))).sendKeys(queryId);
            browser.findElement(By.id("find-submit")).click();
            WebElement found = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("exchanges")));
            assertTrue(found.getText().contains("DEMO/GOV/1002/tax") && found.getText().contains(SERVICE),
                    found.getText());
            assertTrue(found.getText().contains("Export evidence bundle"));
            screenshot(browser, "message-log");

            browser.findElement(By.id("nav-audit")).click();
            WebElement audit = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit")));
            assertTrue(audit.getText().contains("user:operator") && audit.getText().contains("accessRight.grant"),
                    audit.getText());
            assertTrue(audit.getText().contains("service.add"), audit.getText());
            screenshot(browser, "audit");

            browser.findElement(By.id("nav-keys")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("keys")));
            assertTrue(browser.findElement(By.id("keys")).getText().contains("certified"));
            assertTrue(browser.findElement(By.id("keys")).getText().contains("in use for TLS"));
            screenshot(browser, "keys");

            browser.findElement(By.id("nav-descriptions")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-openapi")));
            new Select(browser.findElement(By.id("service"))).selectByValue(SERVICE);
            browser.findElement(By.id("add-openapi-submit")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("url-error"))).getText()
                    .contains("paste the document"));
            browser.findElement(By.id("content")).sendKeys("openapi: 3.0.3\ninfo: {title: Persons, version: '1.0'}\n"
                    + "paths:\n  /person/{code}:\n    parameters:\n      - {name: code, in: path, required: true, schema: {type: string}}\n"
                    + "    get:\n      responses:\n        '200': {description: the person}\n");
            browser.findElement(By.id("add-openapi-submit")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("done"))).getText()
                    .contains("The OpenAPI description was added"));
            assertTrue(browser.findElement(By.id("openapi")).getText().contains("GET /person/*"));
            screenshot(browser, "descriptions");

            browser.findElement(By.id("nav-api-keys")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-api-key"))).findElement(By.id("label"))
                    .sendKeys("monitoring");
            browser.findElement(By.id("role-observer")).click();
            browser.findElement(By.id("add-api-key-submit")).click();
            String created = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created-key-value")))
                    .getText();
            assertTrue(created.startsWith("xsk_"), created);
            screenshot(browser, "api-keys");

            // the server had traffic: the dashboard counts it (a number, never "not known" once the server runs)
            browser.findElement(By.id("nav-dashboard")).click();
            String lastMinute = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("last-minute"))).getText();
            assertTrue(lastMinute.matches("(?s)(no exchanges|\\d+ exchanges?) \\(.*"), lastMinute);
            assertTrue(browser.findElement(By.id("card-exchanges")).getText().matches("(?s).*Completed\\s+[1-9].*"),
                    browser.findElement(By.id("card-exchanges")).getText());
            screenshot(browser, "dashboard");
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(2)
    void observer_seesThePagesInVietnameseButEveryChangeIsRefused() throws IOException, InterruptedException {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(provider.path("admin").asText()
                        + "/api/v1/users")).header("Authorization", "Bearer " + provider.path("apiKey").asText())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"olga\",\"password\":\"observer password 1\",\"roles\":[\"observer\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        int services = adminCount("/services");
        int rights = adminCount("/access-rights");
        WebDriver browser = HeadlessChromium.start("vi-VN,vi", "Asia/Ho_Chi_Minh");
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
            signIn(browser, wait, "olga", "observer password 1");
            assertEquals("Tổng quan", browser.findElement(By.tagName("h1")).getText());
            assertTrue(browser.findElement(By.id("signed-in-as")).getText().contains("Đã đăng nhập: olga (observer)"));
            // the sign-in page's script told the server the browser's zone: times are rendered in it, offset said
            String zone = browser.findElement(By.tagName("html")).getAttribute("data-zone");
            assertTrue(zone.equals("Asia/Ho_Chi_Minh") || zone.equals("Asia/Saigon"), zone); // Chromium's ICU: Saigon
            assertTrue(browser.findElement(By.id("card-global")).getText().contains("UTC+07:00"),
                    browser.findElement(By.id("card-global")).getText());
            screenshot(browser, "dashboard-vi");

            browser.findElement(By.id("nav-services")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("services")));
            assertTrue(browser.getPageSource().contains("Vai trò của bạn cho phép xem trang này nhưng không cho phép"
                    + " thay đổi."));
            WebElement submit = browser.findElement(By.id("add-service-submit"));
            assertFalse(submit.isEnabled(), "the observer cannot send the form");

            // forced through anyway: the server refuses it
            ((JavascriptExecutor) browser).executeScript(
                    "document.querySelectorAll('#add-service fieldset').forEach(f => f.disabled = false);");
            browser.findElement(By.id("code")).sendKeys("sneaky");
            browser.findElement(By.id("url")).sendKeys(network.path("providerIs").asText() + "/person");
            browser.findElement(By.id("add-service-submit")).click();
            WebElement refusal = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("refusal")));
            assertTrue(refusal.getText().startsWith("Bị từ chối: vai trò của bạn không cho phép thay đổi này"),
                    refusal.getText());
            screenshot(browser, "observer-refused-vi");

            browser.get(provider.path("console").path("url").asText() + "access-rights");
            ((JavascriptExecutor) browser).executeScript(
                    "document.querySelectorAll('form fieldset').forEach(f => f.disabled = false);");
            browser.findElement(By.cssSelector("#rights form button")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("refusal"))).getText()
                    .startsWith("Bị từ chối"));

            assertEquals(services, adminCount("/services"), "nothing stored");
            assertEquals(rights, adminCount("/access-rights"), "nothing revoked");
            browser.findElement(By.id("nav-audit")).click();
            assertTrue(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit"))).getText()
                    .contains("refused: user:olga may not service.add"));
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(3)
    void userCommands_addListChangeThePasswordAndDelete_andRefuseBadInputClearly() throws IOException {
        CliRunner xroad = new CliRunner(Map.of(ServerCommand.URL_ENV, provider.path("admin").asText(),
                ServerCommand.KEY_ENV, provider.path("apiKey").asText()));
        Path password = Files.writeString(dir.resolve("pw.txt"), "a long passphrase here\n");
        CliRunner.Run added = xroad.run("server", "user", "add", "lan", "--role", "service-administrator", "--role",
                "registration-officer", "--password-file", password.toString());
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("user lan added"), added.out());
        CliRunner.Run listed = xroad.run("server", "user", "list");
        assertTrue(listed.out().contains("lan") && listed.out().contains("registration-officer"), listed.out());

        CliRunner.Run badRole = xroad.run("server", "user", "add", "kim", "--role", "admiral", "--password-file",
                password.toString());
        assertEquals(1, badRole.exitCode());
        assertTrue(badRole.err().contains("unknown role 'admiral'") && badRole.err().contains("observer"), badRole.err());
        Path shortPassword = Files.writeString(dir.resolve("short.txt"), "short\n");
        CliRunner.Run tooShort = xroad.run("server", "user", "add", "kim", "--role", "observer", "--password-file",
                shortPassword.toString());
        assertEquals(1, tooShort.exitCode());
        assertTrue(tooShort.err().contains("expected 10..72 bytes"), tooShort.err());
        assertFalse(xroad.run("server", "user", "list").out().contains("kim"), "nothing stored");

        Path newPassword = Files.writeString(dir.resolve("new.txt"), "another long passphrase\n");
        assertEquals(0, xroad.run("server", "user", "passwd", "lan", "--password-file", newPassword.toString())
                .exitCode());
        assertEquals(0, xroad.run("server", "user", "delete", "lan").exitCode());
        assertFalse(xroad.run("server", "user", "list").out().contains("lan"));
    }
}
