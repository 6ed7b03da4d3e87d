package org.xroadng.securityserver.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.xroadng.certs.token.KeyToken;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.Pkcs11Slot;
import org.xroadng.certs.token.Pkcs11Token;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;

/**
 * One HSM token a security server uses, configured in {@code tokens/ID.yaml} in the server's
 * directory (one file per token, the file name is the token's id):
 *
 * <pre>
 * module: /usr/lib/softhsm/libsofthsm2.so   # the HSM's PKCS#11 library (absolute path)
 * slot: 1098411991                          # the slot id, or slotIndex: 0 (among slots with a token)
 * pinFile: hsm1.pin                         # first line is the PIN (relative to the server directory), or
 * pinEnv: XROAD_HSM1_PIN                    # the environment variable holding it
 * </pre>
 *
 * Validated when read: a wrong key, a relative module path, both or neither of slot and slotIndex,
 * both or neither of pinFile and pinEnv are refused naming the file and key. The PIN is read only
 * when the token is opened, like the software token's ({@code --pin-file} or {@code XROAD_PIN}).
 *
 * @param pinFile the PIN file, relative to the server directory or absolute; null when {@code pinEnv} is used
 * @param pinEnv  the environment variable holding the PIN; null when {@code pinFile} is used
 */
public record HsmToken(Pkcs11Slot slot, Path pinFile, String pinEnv) {

    /** The directory, in the server's directory, holding one {@code ID.yaml} per HSM token. */
    public static final String DIR = "tokens";
    private static final String SUFFIX = ".yaml";
    private static final Set<String> KEYS = Set.of("module", "slot", "slotIndex", "pinFile", "pinEnv");

    public HsmToken {
        Objects.requireNonNull(slot, "slot");
        if (slot.id().equals(ServerKeys.KeyInfo.SOFTWARE)) {
            throw new IllegalArgumentException("token id '" + slot.id() + "' names the software token; choose another");
        }
        if ((pinFile == null) == (pinEnv == null)) {
            throw new IllegalArgumentException("token " + slot.id() + " names " + (pinFile == null ? "neither" : "both")
                    + " a PIN file and a PIN environment variable; expected exactly one of them");
        }
    }

    public String id() {
        return slot.id();
    }

    /** Every token configured for the server in {@code serverDir}, by id; none when there is no {@code tokens/}. */
    public static List<HsmToken> loadAll(Path serverDir) throws ConfigException {
        Path dir = serverDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            listing.forEach(files::add);
        } catch (IOException e) {
            throw new ConfigException("cannot list the token configurations in " + dir + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(Path::toString));
        List<HsmToken> tokens = new ArrayList<>();
        for (Path file : files) {
            tokens.add(load(file));
        }
        return List.copyOf(tokens);
    }

    /** Reads one token's file. */
    public static HsmToken load(Path file) throws ConfigException {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        ConfigFile config = ConfigFile.read(file, KEYS);
        Path module = Path.of(config.requireString("module"));
        Optional<String> slotText = config.optionalString("slot");
        int slotIndex = config.intValue("slotIndex", -1, 0, 1024);
        Optional<String> pinFile = config.optionalString("pinFile");
        Optional<String> pinEnv = config.optionalString("pinEnv");
        try {
            long slotId = -1;
            if (slotText.isPresent()) {
                try {
                    slotId = Long.parseUnsignedLong(slotText.get());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("key 'slot' is '" + slotText.get() + "'; expected a slot id,"
                            + " a whole number as the HSM's tools list it (softhsm2-util --show-slots, pkcs11-tool -L)");
                }
            }
            return new HsmToken(new Pkcs11Slot(id, module, slotId, slotIndex), pinFile.map(Path::of).orElse(null),
                    pinEnv.orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
    }

    /** Writes {@code tokens/ID.yaml} in {@code serverDir}; {@link #load} reads back an equal token. */
    public void save(Path serverDir) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("module", slot.module().toString());
        if (slot.slotId() >= 0) {
            values.put("slot", Long.toUnsignedString(slot.slotId()));
        } else {
            values.put("slotIndex", slot.slotIndex());
        }
        if (pinFile != null) {
            values.put("pinFile", pinFile.toString());
        } else {
            values.put("pinEnv", pinEnv);
        }
        Path dir = Files.createDirectories(serverDir.resolve(DIR));
        ConfigFile.write(dir.resolve(id() + SUFFIX), values);
    }

    /** The PIN from the file or the environment variable ({@code env} looks one up). */
    public Pin pin(Path serverDir, Function<String, Optional<String>> env) throws TokenException {
        String text;
        String source;
        if (pinFile != null) {
            Path file = serverDir.resolve(pinFile);
            try {
                text = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new TokenException("cannot read the PIN file " + file + " of token " + id() + ": " + e.getMessage());
            }
            source = "the first line of " + file;
        } else {
            text = env.apply(pinEnv).orElseThrow(() -> new TokenException("no PIN for token " + id() + ": the"
                    + " environment variable " + pinEnv + " its configuration names is not set"));
            source = "$" + pinEnv;
        }
        try {
            return Pin.of(text);
        } catch (IllegalArgumentException e) {
            throw new TokenException("the PIN of token " + id() + " (" + source + "): " + e.getMessage());
        }
    }

    /** Opens and logs in to this token. */
    public Pkcs11Token open(Path serverDir, Function<String, Optional<String>> env, SecureRandom random, Clock clock)
            throws TokenException {
        Pin pin = pin(serverDir, env);
        try {
            return Pkcs11Token.open(slot, pin, random, clock);
        } finally {
            pin.clear();
        }
    }

    /** Opens every token configured for the server in {@code serverDir}, by id in file order. */
    public static Map<String, KeyToken> openAll(Path serverDir, Function<String, Optional<String>> env,
                                                SecureRandom random, Clock clock) throws ConfigException, TokenException {
        Map<String, KeyToken> open = new LinkedHashMap<>();
        for (HsmToken token : loadAll(serverDir)) {
            open.put(token.id(), token.open(serverDir, env, random, clock));
        }
        return open;
    }
}
