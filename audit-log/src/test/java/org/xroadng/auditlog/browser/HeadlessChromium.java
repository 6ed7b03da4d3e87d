package org.xroadng.auditlog.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its ChromeDriver ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}, packages chromium and chromium-driver), with both paths given so
 * Selenium Manager never downloads anything. Without them a browser test is skipped, unless
 * {@code XROAD_REQUIRE_BROWSER=1} (as CI sets it), which makes it fail.
 */
public final class HeadlessChromium {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Held so that the setting stays: the browser's DevTools version is newer than Selenium's, which we do not use. */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    private HeadlessChromium() {
    }

    /** A new browser asking for British English; skips (or fails, when required) the calling test if there is none. Quit it after. */
    public static WebDriver start() {
        return start("en-GB,en", null);
    }

    /**
     * A new browser whose requests carry {@code Accept-Language: acceptLanguages} and whose clock
     * shows {@code timeZone} (an IANA name; null keeps the machine's), as a citizen's would.
     */
    public static WebDriver start(String acceptLanguages, String timeZone) {
        boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if (!present) {
            String message = CHROMEDRIVER + " or " + CHROMIUM + " is missing; install the Debian packages chromium"
                    + " and chromium-driver to run the browser test";
            if ("1".equals(System.getenv("XROAD_REQUIRE_BROWSER"))) {
                fail(message + " (XROAD_REQUIRE_BROWSER=1 requires it)");
            }
            Assumptions.abort(message);
        }
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--window-size=1280,800", "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--no-first-run", "--lang=" + acceptLanguages.split(",")[0]);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguages));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .withEnvironment(timeZone == null ? Map.of() : Map.of("TZ", timeZone))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
