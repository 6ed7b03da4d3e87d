package org.xroadng.registry;

import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.registry.globalconf.ConfigurationPublisher;
import org.xroadng.registry.management.ManagementRequestVerifier;
import java.util.Optional;
import java.util.function.Function;
import org.xroadng.auditlog.witness.LogDirectory;
import org.xroadng.auditlog.witness.TlogWitness;
import org.xroadng.registry.witness.CheckpointWitness;
import org.xroadng.auditlog.witness.VouchedNoteKeys;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.store.Database;

/**
 * The central registry's operations over one database, wired together: every successful change
 * publishes a new global configuration.
 */
public final class Registry {

    private final String instance;
    private final Changes changes;
    private final Members members;
    private final Servers servers;
    private final Groups groups;
    private final TrustAnchors trustAnchors;
    private final Settings settings;
    private final ApiKeys apiKeys;
    private final ConsoleUsers consoleUsers;
    private final AuditTrail auditTrail;
    private final Requests requests;
    private final ConfigurationPublisher publisher;
    private final CheckpointWitness witness;
    private final TlogWitness tlogWitness;
    private final TransparencyWitnesses transparencyWitnesses; // null: the registry runs no C2SP witness
    private final JwsSigner configurationSigner;
    private final Clock clock;
    private final SecureRandom random;

    public Registry(String instance, Database database, JwsSigner configurationSigner, Provider provider,
                    SecureRandom random, Clock clock) {
        this(instance, database, configurationSigner, null, provider, random, clock, null);
    }

    /**
     * @param nextConfigurationSigningCertificate the certificate (base64 DER) of the key that will
     *                    sign after a rotation, announced in every configuration; null when none is prepared
     * @param tlogWitness makes the registry's C2SP tlog-witness from the logs it is to follow (the
     *                    servers' access logs, see {@link VouchedNoteKeys}); null for none
     */
    public Registry(String instance, Database database, JwsSigner configurationSigner,
                    String nextConfigurationSigningCertificate, Provider provider, SecureRandom random, Clock clock,
                    Function<LogDirectory, TlogWitness> tlogWitness) {
        this.instance = instance;
        this.configurationSigner = configurationSigner;
        this.clock = clock;
        this.random = random;
        this.changes = new Changes(database, clock);
        this.members = new Members(changes, instance);
        this.servers = new Servers(changes);
        this.groups = new Groups(changes, instance);
        this.trustAnchors = new TrustAnchors(changes);
        this.settings = new Settings(changes);
        this.apiKeys = new ApiKeys(changes, random);
        this.consoleUsers = new ConsoleUsers(changes, random);
        this.auditTrail = new AuditTrail(database);
        this.requests = new Requests(changes, new ManagementRequestVerifier(provider, clock),
                new org.xroadng.registry.management.RequestProofs(provider), trustAnchors, members);
        this.publisher = new ConfigurationPublisher(database, instance, configurationSigner,
                nextConfigurationSigningCertificate, clock);
        this.witness = new CheckpointWitness(changes, servers, trustAnchors, settings, provider, clock);
        this.transparencyWitnesses = new TransparencyWitnesses(changes);
        this.tlogWitness = tlogWitness == null ? null : tlogWitness.apply(new VouchedNoteKeys(
                server -> witness.latest(server).map(WitnessedCheckpoint::checkpoint)));
        changes.setListener(this::publishQuietly);
    }

    /** The clock the registry dates its changes and configurations by. */
    public Clock clock() {
        return clock;
    }

    /** The randomness the registry makes keys and console sessions from. */
    public SecureRandom random() {
        return random;
    }

    /** The configuration signing key (pinned by the anchor), which also signs the witness's answers. */
    public JwsSigner configurationSigner() {
        return configurationSigner;
    }

    /** Publishes a new global configuration now (at start and on the refresh schedule). */
    public ConfigurationPublisher.Published publish() throws SigningException {
        return publisher.publish();
    }

    private void publishQuietly() {
        try {
            publisher.publish();
        } catch (SigningException e) {
            throw new IllegalStateException("the configuration signing key failed: " + e.getMessage(), e);
        }
    }

    public String instance() {
        return instance;
    }

    public Changes changes() {
        return changes;
    }

    public Members members() {
        return members;
    }

    public Servers servers() {
        return servers;
    }

    public Groups groups() {
        return groups;
    }

    public TrustAnchors trustAnchors() {
        return trustAnchors;
    }

    public Settings settings() {
        return settings;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /** The operator console's users. */
    public ConsoleUsers consoleUsers() {
        return consoleUsers;
    }

    public AuditTrail auditTrail() {
        return auditTrail;
    }

    public Requests requests() {
        return requests;
    }

    public ConfigurationPublisher publisher() {
        return publisher;
    }

    /** The transparency witnesses listed in the global configuration. */
    public TransparencyWitnesses transparencyWitnesses() {
        return transparencyWitnesses;
    }

    /** The registry's C2SP tlog-witness, if it runs one. */
    public Optional<TlogWitness> tlogWitness() {
        return Optional.ofNullable(tlogWitness);
    }

    public CheckpointWitness witness() {
        return witness;
    }
}
