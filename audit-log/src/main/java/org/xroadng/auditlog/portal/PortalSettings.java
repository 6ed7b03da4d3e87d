package org.xroadng.auditlog.portal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.portal.devidp.DevIdentityProvider;
import org.xroadng.auditlog.witness.CosignaturePolicy;
import org.xroadng.auditlog.portal.oidc.OidcIdTokenVerifier;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The citizen portal's configuration, {@code portal.yaml} (DESIGN.md sections 7 and 9), validated
 * when created: an unknown key, a malformed address, identifier or URL, a refused algorithm or a
 * timeout out of range is refused with the file, key, value and what is allowed.
 *
 * @param listen            where the portal's HTTP server listens
 * @param publicUrl         the portal's address as browsers reach it, without a trailing slash; the
 *                          sign-in returns to {@code publicUrl + "/"}; null to use the bound address
 * @param anchor            the registry's anchor file (absolute, or relative to the working directory)
 * @param clientProxy       the client proxy of the portal's own security server
 * @param portalSubsystem   the portal's subsystem, sent as {@code X-Road-Client}
 * @param issuer            the OpenID Provider's issuer identifier, compared exactly
 * @param clientId          the portal's client id at the provider, required in each token's {@code aud}
 * @param allowedAlgorithms JWS algorithms accepted on ID tokens (asymmetric only)
 * @param perServerTimeout  how long one security server may take to answer
 * @param deadline          how long one citizen's question may take in all
 * @param witnessPolicy     the transparency witnesses the portal trusts and how many of them must
 *                          have cosigned a server's checkpoint ({@link CosignaturePolicy#NONE}: the
 *                          registry's witnessing alone, as before)
 */
public record PortalSettings(InetSocketAddress listen, URI publicUrl, Path anchor, URI clientProxy,
                             SubsystemId portalSubsystem, String issuer, String clientId,
                             List<String> allowedAlgorithms, Duration perServerTimeout, Duration deadline,
                             CosignaturePolicy witnessPolicy) {

    public PortalSettings(InetSocketAddress listen, URI publicUrl, Path anchor, URI clientProxy,
                          SubsystemId portalSubsystem, String issuer, String clientId,
                          List<String> allowedAlgorithms, Duration perServerTimeout, Duration deadline) {
        this(listen, publicUrl, anchor, clientProxy, portalSubsystem, issuer, clientId, allowedAlgorithms,
                perServerTimeout, deadline, CosignaturePolicy.NONE);
    }

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(8);
    private static final Set<String> KEYS = Set.of("listen", "publicUrl", "anchor", "clientProxy", "portalSubsystem",
            "issuer", "clientId", "allowedAlgorithms", "perServerTimeoutMillis", "deadlineMillis", "witnesses",
            "witnessQuorum");

    public PortalSettings {
        Objects.requireNonNull(listen, "listen");
        if (publicUrl != null) {
            publicUrl = URI.create(ConfigFile.ConfigValues.httpUrl(publicUrl.toString()).toString().replaceAll("/+$", ""));
        }
        Objects.requireNonNull(anchor, "anchor");
        ConfigFile.ConfigValues.httpUrl(Objects.requireNonNull(clientProxy, "clientProxy").toString());
        Objects.requireNonNull(portalSubsystem, "portalSubsystem");
        ConfigFile.ConfigValues.httpUrl(Objects.requireNonNull(issuer, "issuer"));
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is missing");
        }
        allowedAlgorithms = List.copyOf(allowedAlgorithms);
        OidcIdTokenVerifier.allowlist(allowedAlgorithms);
        requireRange("perServerTimeout", perServerTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
        requireRange("deadline", deadline, perServerTimeout, Duration.ofMinutes(2));
        Objects.requireNonNull(witnessPolicy, "witnessPolicy");
    }

    /** These settings trusting {@code policy}'s witnesses. */
    public PortalSettings withWitnessPolicy(CosignaturePolicy policy) {
        return new PortalSettings(listen, publicUrl, anchor, clientProxy, portalSubsystem, issuer, clientId,
                allowedAlgorithms, perServerTimeout, deadline, policy);
    }

    /** Settings with the defaults of {@link #load} for everything but what must be given. */
    public static PortalSettings withDefaults(InetSocketAddress listen, URI publicUrl, Path anchor, URI clientProxy,
                                              SubsystemId portalSubsystem, String issuer) {
        return new PortalSettings(listen, publicUrl, anchor, clientProxy, portalSubsystem, issuer,
                DevIdentityProvider.DEFAULT_CLIENT_ID, OidcIdTokenVerifier.DEFAULT_ALGORITHMS,
                CitizenAccessLogs.DEFAULT_PER_SERVER_TIMEOUT, DEFAULT_DEADLINE);
    }

    /**
     * Reads a portal YAML file. Required: {@code anchor} (relative to the file's directory),
     * {@code clientProxy}, {@code portalSubsystem}, {@code issuer}. Defaults: listen 127.0.0.1:8090,
     * publicUrl http://(listen), clientId xroad-portal, allowedAlgorithms "RS256, ES256",
     * perServerTimeoutMillis 5000, deadlineMillis 8000; {@code witnesses} (C2SP cosigner verifier
     * keys, comma-separated) none, {@code witnessQuorum} all of them.
     */
    public static PortalSettings load(Path path) throws ConfigException {
        ConfigFile file = ConfigFile.read(path, KEYS);
        InetSocketAddress listen = file.listenAddress("listen", "127.0.0.1:8090");
        URI publicUrl = file.optionalString("publicUrl").isPresent() ? file.httpUrl("publicUrl")
                : URI.create("http://" + listen.getHostString() + ":" + listen.getPort());
        Path dir = path.toAbsolutePath().getParent();
        Path anchor = dir.resolve(file.requireString("anchor"));
        URI clientProxy = file.httpUrl("clientProxy");
        String subsystemText = file.requireString("portalSubsystem");
        SubsystemId subsystem;
        try {
            subsystem = SubsystemId.parse(subsystemText);
        } catch (InvalidIdentifierException e) {
            throw new ConfigException(file.file() + ": key 'portalSubsystem' is '" + subsystemText
                    + "'; expected a subsystem identifier INSTANCE/CLASS/MEMBER/SUBSYSTEM: " + e.getMessage());
        }
        String issuer = file.httpUrl("issuer").toString();
        String clientId = file.optionalString("clientId").orElse(DevIdentityProvider.DEFAULT_CLIENT_ID);
        String algorithmsText = file.optionalString("allowedAlgorithms").orElse("RS256, ES256");
        List<String> algorithms = new ArrayList<>();
        for (String name : algorithmsText.split(",")) {
            if (!name.isBlank()) {
                algorithms.add(name.trim());
            }
        }
        try {
            OidcIdTokenVerifier.allowlist(algorithms);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.file() + ": key 'allowedAlgorithms' is '" + algorithmsText + "'; "
                    + e.getMessage());
        }
        int perServer = file.intValue("perServerTimeoutMillis", 5000, 100, 60_000);
        int deadline = file.intValue("deadlineMillis", Math.max(8000, perServer), perServer, 120_000);
        return new PortalSettings(listen, publicUrl, anchor, clientProxy, subsystem, issuer, clientId, algorithms,
                Duration.ofMillis(perServer), Duration.ofMillis(deadline), witnessPolicy(file));
    }

    private static CosignaturePolicy witnessPolicy(ConfigFile file) throws ConfigException {
        Optional<String> text = file.optionalString("witnesses");
        List<NoteVerifierKey> keys = new ArrayList<>();
        if (text.isPresent()) {
            for (String key : text.get().split(",")) {
                if (key.isBlank()) {
                    continue;
                }
                try {
                    keys.add(NoteVerifierKey.parse(key.strip()));
                } catch (NoteFormatException e) {
                    throw new ConfigException(file.file() + ": key 'witnesses' holds '" + key.strip() + "'; expected"
                            + " C2SP witness verifier keys (name+keyid+base64), comma-separated: " + e.getMessage());
                }
            }
        }
        int quorum = file.intValue("witnessQuorum", keys.size(), keys.isEmpty() ? 0 : 1, keys.size());
        try {
            return new CosignaturePolicy(keys, quorum);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.file() + ": key 'witnesses': " + e.getMessage());
        }
    }

    private static void requireRange(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " is " + value + "; expected " + min + " to " + max);
        }
    }
}
