package org.xroadng.certs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.Pkcs11Slot;

/**
 * SoftHSM2, a real PKCS#11 module, with tokens made for this test run. SoftHSM reads its
 * configuration file (named by {@code SOFTHSM2_CONF}, which the build sets for the test JVM to
 * {@code target/softhsm/softhsm2.conf}) once when the module is loaded, and sees no token made
 * later by another process, so every token the run needs is made at once, before the first test
 * loads the module: {@link #LABELS}, each with PIN {@link #PIN}.
 *
 * <p>Without SoftHSM2 the tests that use it are skipped, unless {@code XROAD_REQUIRE_SOFTHSM=1} (as
 * CI sets it), which makes them fail.
 */
public final class SoftHsm {

    public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String PIN = "hsm-1234";
    private static final String SO_PIN = "so-5678";
    /** Tokens for the run; a test uses its own so that keys of other tests do not surprise it. */
    public static final List<String> LABELS = List.of("certs", "server", "exchange", "second", "bench", "cli");
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    private static SoftHsm instance;
    private static String unavailable;

    private final Map<String, Long> slots;

    private SoftHsm(Map<String, Long> slots) {
        this.slots = slots;
    }

    /** The run's SoftHSM, its tokens made on first use; skips (or in CI fails) the test without it. */
    public static synchronized SoftHsm get() {
        if (instance == null && unavailable == null) {
            try {
                instance = start();
            } catch (IOException e) {
                unavailable = "SoftHSM2 tokens cannot be made: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable = "interrupted while making SoftHSM2 tokens";
            }
        }
        if (instance == null) {
            if ("1".equals(System.getenv("XROAD_REQUIRE_SOFTHSM"))) {
                fail(unavailable + " (XROAD_REQUIRE_SOFTHSM=1 requires it)");
            }
            Assumptions.abort(unavailable);
        }
        return instance;
    }

    private static SoftHsm start() throws IOException, InterruptedException {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (!Files.isRegularFile(MODULE)) {
            throw new IOException(MODULE + " is missing (Debian package softhsm2)");
        }
        if (conf == null) {
            throw new IOException("SOFTHSM2_CONF is not set (the build sets it for the test JVM)");
        }
        Path confFile = Path.of(conf);
        Path tokens = confFile.resolveSibling("tokens");
        if (Files.exists(tokens)) {
            try (Stream<Path> old = Files.walk(tokens)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens.toAbsolutePath() + "\n"
                + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
        Map<String, Long> slots = new LinkedHashMap<>();
        for (String label : LABELS) {
            Process process = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label,
                    "--pin", PIN, "--so-pin", SO_PIN).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IOException("softhsm2-util --init-token failed: " + out.strip());
            }
            Matcher m = SLOT.matcher(out);
            if (!m.find()) {
                throw new IOException("softhsm2-util did not say the new token's slot: " + out.strip());
            }
            slots.put(label, Long.parseLong(m.group(1)));
        }
        return new SoftHsm(Map.copyOf(slots));
    }

    /** The token labelled {@code label} (one of {@link #LABELS}), under the id {@code id}. */
    public Pkcs11Slot slot(String id, String label) {
        Long slot = slots.get(label);
        if (slot == null) {
            throw new IllegalArgumentException("no SoftHSM token " + label + "; the run makes " + LABELS);
        }
        return Pkcs11Slot.bySlotId(id, MODULE, slot);
    }

    public static Pin pin() {
        return Pin.of(PIN);
    }
}
