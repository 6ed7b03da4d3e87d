package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
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
 * banner. Chromium and chromedriver are the Debian packages' ({@code chromium},
 * {@code chromium-driver}); their paths are given so that Selenium Manager never downloads
 * anything. Without chromedriver the test is skipped, unless {@code XROAD_REQUIRE_BROWSER=1}.
 */
class PortalBrowserTest {

    private PortalNetwork network;
    private WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        browser = HeadlessChromium.start();
        PortalScenario scenario = PortalScenario.standard();
        scenario.hanging.add(PortalScenario.SS3);
        scenario.provider.hide(0); // the population server's answer leaves out its record of q-1
        network = new PortalNetwork(scenario, new MutableClock(PortalScenario.T0.plus(Duration.ofDays(1))),
                Duration.ofMillis(500));
    }

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
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.get(network.portal.publicUrl() + "/");

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
}
