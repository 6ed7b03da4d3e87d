package org.xroadng.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xroadng.certs.token.Pin;
import picocli.CommandLine.Option;

/**
 * Where a command gets a token PIN: {@code --pin-file}, else the {@code XROAD_PIN} environment
 * variable, else a prompt on the console. Never from a command-line argument, which other users of
 * the machine could read.
 */
public final class PinOptions {

    public static final String ENV = "XROAD_PIN";

    @Option(names = "--pin-file", paramLabel = "FILE",
            description = "File whose first line is the token PIN (otherwise $" + ENV + ", otherwise a prompt)")
    Path pinFile;

    Pin pin(Services services, String what) {
        if (pinFile != null) {
            try {
                String text = Files.readString(pinFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
                return of(text, "the first line of " + pinFile);
            } catch (IOException e) {
                throw new UserError("cannot read the PIN file " + pinFile + ": " + e.getMessage());
            }
        }
        var fromEnv = services.env(ENV);
        if (fromEnv.isPresent()) {
            return of(fromEnv.get(), "$" + ENV);
        }
        Console console = System.console();
        if (console == null) {
            throw new UserError("no PIN for the " + what + ": give --pin-file FILE or set " + ENV);
        }
        char[] typed = console.readPassword("PIN for the %s: ", what);
        if (typed == null) {
            throw new UserError("no PIN was entered");
        }
        return of(new String(typed), "the PIN entered");
    }

    private static Pin of(String text, String source) {
        try {
            return Pin.of(text);
        } catch (IllegalArgumentException e) {
            throw new UserError(source + ": " + e.getMessage());
        }
    }
}
