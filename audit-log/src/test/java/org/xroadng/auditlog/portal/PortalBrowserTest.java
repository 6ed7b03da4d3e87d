package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.xroadng.auditlog.browser.HeadlessChromium;
import org.xroadng.certs.MutableClock;

/**
 * A citizen in a real (headless Chromium) browser: opens the portal, signs in at the development
 * identity provider by typing a personal code, and reads their records and the partial-results
 * banner. A Vietnamese citizen (asking for {@code vi-VN}, clock in {@code Asia/Ho_Chi_Minh}) gets the
 * portal in Vietnamese, the bank's refused attempt marked as refused in plain words, dates as
 * dd/MM/yyyy in their zone, and switches to English (which stays) with the link on the page. Names
 * carrying markup are shown as text. Chromium and chromedriver are the Debian packages' ({@code chromium},
 * {@code chromium-driver}); their paths are given so that Selenium Manager never downloads
 * anything. Without chromedriver the test is skipped, unless {@code XROAD_REQUIRE_BROWSER=1}.
 */
class PortalBrowserTest {

    private static final String REFUSED_VI =
            "Demo Bank đã tìm cách đọc hồ sơ của bạn tại Population Registry và bị từ chối: không có quyền.";
    private static final String REFUSED_EN =
            "Demo Bank tried to read your record at Population Registry and was refused: it has no permission.";

    private PortalNetwork network;
    private WebDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void citizenSigningIn_seesTheirVerifiedRecordsAndThePartialResultsAndLeftOutBanners() throws IOException {
        PortalScenario scenario = PortalScenario.standard();
        scenario.hanging.add(PortalScenario.SS3);
        scenario.provider.hide(0); // the population server's answer leaves out its record of q-1
        WebDriverWait wait = start(scenario, HeadlessChromium.start(), Duration.ofMillis(500));

        wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in"))).click();

        WebElement code = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sub")));
        assertTrue(browser.getPageSource().contains("Development identity provider"));
        code.sendKeys(PortalScenario.CITIZEN);
        browser.findElement(By.id("sign-in")).click();

        WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("events")));
        List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
        assertEquals(2, rows.size(), table.getText());
        for (WebElement row : rows) {
            String text = row.getText();
            assertTrue(text.contains("DEMO/GOV/1002/tax"), text);
            assertTrue(text.contains("official inspector-7"), text);
            assertTrue(text.contains("DEMO/GOV/1001/population/person"), text);
            assertTrue(text.contains("GET /person/" + PortalScenario.CITIZEN), text);
            assertTrue(text.contains("tax-assessment"), text);
            assertTrue(text.contains("\u2713 verified"), text);
            assertTrue(text.contains("01/03/2026"), text);
            assertTrue(text.contains("read your record at DEMO/GOV/1001/population."), text);
        }
        assertTrue(rows.get(0).getText().contains("\u2713 Both agencies recorded it, and the records agree."),
                rows.get(0).getText());
        assertTrue(rows.get(1).getText().contains("Only the asking agency recorded it."), rows.get(1).getText());
        WebElement problems = browser.findElement(By.id("problems"));
        assertTrue(problems.isDisplayed());
        assertTrue(problems.getText().contains("DEMO/GOV/1001/ss2 left out at least one of your records from its"
                + " answer, so the list may be incomplete."), problems.getText());
        assertTrue(problems.getText().contains("DEMO/GOV/1001/ss2 left out at least one of your events"),
                "with the technical detail: " + problems.getText());
        WebElement banner = browser.findElement(By.id("partial"));
        assertTrue(banner.isDisplayed());
        assertTrue(banner.getText().contains("DEMO/COM/2001/ss3 did not answer in time."), banner.getText());
        assertTrue(browser.findElement(By.id("signed-in-as")).getText().contains(PortalScenario.CITIZEN));
        assertTrue(!browser.getCurrentUrl().contains("id_token"), "the token is removed from the address bar");

        // Kept for a person to look at: target/portal-browser-test.png.
        Files.write(Path.of("target", "portal-browser-test.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("events")));
        assertTrue(browser.findElement(By.id("sign-in")).isDisplayed());
    }

    @Test
    void vietnameseCitizen_seesTheRefusedAttemptMarkedInVietnameseThenSwitchesToEnglish() throws IOException {
        WebDriverWait wait = start(PortalScenario.withRefusedBankAttempt(), vietnameseBrowser(), Duration.ofSeconds(2));
        assertEquals("vi", browser.findElement(By.tagName("html")).getAttribute("lang"));
        assertEquals("Ai đã sử dụng dữ liệu của tôi", browser.findElement(By.tagName("h1")).getText());
        signIn(wait);

        WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("events")));
        List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
        assertEquals(3, rows.size(), table.getText());
        WebElement refused = table.findElement(By.cssSelector("tr.outcome-refused"));
        String refusedText = refused.getText();
        assertTrue(refusedText.contains("✗ Bị từ chối") && refusedText.contains(REFUSED_VI), refusedText);
        assertTrue(refusedText.contains("01/03/2026") && refusedText.contains("16:30"),
                "09:30 UTC is 16:30 in Ho Chi Minh City: " + refusedText);
        assertEquals("rgba(253, 231, 233, 1)", refused.findElement(By.tagName("td")).getCssValue("background-color"),
                "a refused row stands out");
        assertEquals("rgba(179, 38, 30, 1)", refused.findElement(By.cssSelector(".badge")).getCssValue("background-color"));
        for (WebElement row : rows) {
            assertTrue(row.getText().contains("01/03/2026"), row.getText());
            assertTrue(!row.getText().contains("2026-03-01T"), "no machine timestamps: " + row.getText());
        }
        assertTrue(rows.get(0).getText().contains("Tax Board đã đọc hồ sơ của bạn tại Population Registry."),
                rows.get(0).getText());
        assertTrue(browser.findElement(By.id("signed-in-as")).getText().contains("Đã đăng nhập: "
                + PortalScenario.CITIZEN));
        Files.write(Path.of("target", "portal-vi.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        browser.findElement(By.id("lang-en")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Who used my data"));
        WebElement english = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.outcome-refused")));
        assertTrue(english.getText().contains("✗ Refused") && english.getText().contains(REFUSED_EN), english.getText());
        assertTrue(browser.findElement(By.id("events")).getText().contains("Tax Board read your record at Population"
                + " Registry."));

        browser.get(network.portal.publicUrl() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.outcome-refused")));
        assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"), "the switch is remembered");
        assertTrue(browser.findElement(By.id("events")).getText().contains(REFUSED_EN));
        Files.write(Path.of("target", "portal-en.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void memberNamesWithMarkup_areShownAsText() {
        PortalScenario scenario = PortalScenario.withRefusedBankAttempt();
        scenario.names.put("DEMO/COM/2001", "<script>window.pwned = 1</script><b>Bank</b>");
        WebDriverWait wait = start(scenario, vietnameseBrowser(), Duration.ofSeconds(2));
        signIn(wait);

        WebElement refused = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.outcome-refused")));

        assertTrue(refused.getText().contains("<script>window.pwned = 1</script><b>Bank</b> đã tìm cách đọc"),
                refused.getText());
        assertTrue(refused.findElements(By.tagName("b")).isEmpty(), "no markup from a name reaches the page");
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.pwned === undefined;"));
    }

    /** A Vietnamese citizen's browser: asking for {@code vi-VN}, its clock in Ho Chi Minh City. */
    private static WebDriver vietnameseBrowser() {
        return HeadlessChromium.start("vi-VN,vi", "Asia/Ho_Chi_Minh");
    }

    /** The portal asking {@code scenario}, open in {@code browser}. */
    private WebDriverWait start(PortalScenario scenario, WebDriver browser, Duration perServerTimeout) {
        this.browser = browser;
        try {
            network = new PortalNetwork(scenario, new MutableClock(PortalScenario.T0.plus(Duration.ofDays(1))),
                    perServerTimeout);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        browser.get(network.portal.publicUrl() + "/");
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }

    private void signIn(WebDriverWait wait) {
        WebElement signIn = wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in")));
        assertEquals("Đăng nhập", signIn.getText());
        signIn.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sub"))).sendKeys(PortalScenario.CITIZEN);
        browser.findElement(By.id("sign-in")).click();
    }
}
