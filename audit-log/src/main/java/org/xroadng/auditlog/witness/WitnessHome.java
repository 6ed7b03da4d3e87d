package org.xroadng.auditlog.witness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;

/**
 * A witness's directory: {@value #CONFIG} ({@code name}, {@code listen}, {@code logs} and the
 * optional database keys of {@link DatabaseSettings}), the cosigning key {@value #KEY} (owner-only,
 * the {@code PRIVATE+KEY+...} text form), its verifier key {@value #VKEY} to hand to log operators
 * and clients, the followed logs {@value #LOGS} (see {@link FollowedLogs}) and, by default, the H2
 * database {@code witness.mv.db}.
 */
public final class WitnessHome implements AutoCloseable {

    public static final String CONFIG = "witness.yaml";
    public static final String KEY = "witness.key";
    public static final String VKEY = "witness.vkey";
    public static final String LOGS = "logs.txt";
    /** The component database's name: its migrations are {@code db/witness}. */
    public static final String DATABASE_NAME = "witness";

    private static final Set<String> KEYS;

    static {
        Set<String> keys = new HashSet<>(Set.of("name", "listen", "logs"));
        keys.addAll(DatabaseSettings.KEYS);
        KEYS = Set.copyOf(keys);
    }

    private final InetSocketAddress listen;
    private final Database database;
    private final TlogWitness witness;
    private final FollowedLogs logs;

    private WitnessHome(InetSocketAddress listen, Database database, TlogWitness witness, FollowedLogs logs) {
        this.listen = listen;
        this.database = database;
        this.witness = witness;
        this.logs = logs;
    }

    /**
     * Creates a witness in {@code dir}: a new Ed25519 cosigning key named {@code name} (a schema-less
     * URL such as {@code ombudsman.example/witness} is recommended), an empty logs file and the
     * configuration. Refuses a directory that already holds a witness. Returns the verifier key.
     */
    public static NoteVerifierKey init(Path dir, String name, InetSocketAddress listen, DatabaseSettings database,
                                       SecureRandom random) throws IOException, NoteFormatException {
        Objects.requireNonNull(listen, "listen");
        Cosigner cosigner = Cosigner.generate(name, random);
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(CONFIG)) || Files.exists(dir.resolve(KEY))) {
            throw new FileAlreadyExistsException(dir.resolve(CONFIG).toString(), null,
                    "a witness already exists in " + dir + "; choose another directory");
        }
        Path key = dir.resolve(KEY);
        Files.writeString(key, cosigner.secretText() + "\n", StandardOpenOption.CREATE_NEW);
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
        NoteVerifierKey verifierKey = cosigner.verifierKey();
        Files.writeString(dir.resolve(VKEY), verifierKey.format() + "\n");
        if (!Files.exists(dir.resolve(LOGS))) {
            Files.writeString(dir.resolve(LOGS), "# Logs this witness follows, one per line: <verifier key> [<origin>]\n"
                    + "# (the origin defaults to the key's name). Restart the witness after a change.\n");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", name);
        values.put("listen", listen.getHostString() + ":" + listen.getPort());
        values.put("logs", LOGS);
        values.putAll(database.yaml(dir));
        ConfigFile.write(dir.resolve(CONFIG), values);
        return verifierKey;
    }

    /** Opens the witness in {@code dir}: configuration, key, logs and database (migrated). */
    public static WitnessHome open(Path dir, Clock clock, WitnessListener listener) throws ConfigException {
        ConfigFile file = ConfigFile.read(dir.resolve(CONFIG), KEYS);
        String name = file.requireString("name");
        InetSocketAddress listen = file.listenAddress("listen", "127.0.0.1:8095");
        FollowedLogs logs = FollowedLogs.load(dir.resolve(file.optionalString("logs").orElse(LOGS)));
        DatabaseSettings databaseSettings = DatabaseSettings.read(file);
        Cosigner cosigner;
        Path keyFile = dir.resolve(KEY);
        try {
            cosigner = Cosigner.fromSecretText(Files.readString(keyFile));
        } catch (NoSuchFileException e) {
            throw new ConfigException("the witness key " + keyFile + " does not exist; run xroad witness init");
        } catch (IOException e) {
            throw new ConfigException("the witness key " + keyFile + " cannot be read: " + e.getMessage(), e);
        } catch (NoteFormatException e) {
            throw new ConfigException("the witness key " + keyFile + ": " + e.getMessage(), e);
        }
        if (!cosigner.verifierKey().name().equals(name)) {
            throw new ConfigException(file.file() + ": key 'name' is '" + name + "'; expected '"
                    + cosigner.verifierKey().name() + "', the name of the key in " + keyFile);
        }
        Database database = databaseSettings.open(dir.resolve(DATABASE_NAME), DATABASE_NAME);
        return new WitnessHome(listen, database, new TlogWitness(database, cosigner, logs, clock, listener), logs);
    }

    public InetSocketAddress listen() {
        return listen;
    }

    public TlogWitness witness() {
        return witness;
    }

    public FollowedLogs logs() {
        return logs;
    }

    @Override
    public void close() {
        database.close();
    }
}
