package org.xroadng.protocol.globalconf;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The global configuration a central registry publishes (DESIGN.md section 5): who is a member,
 * which security servers exist and whom they host, the global groups, and which CAs and TSAs are
 * trusted. Distributed as a JWS signed by the registry's configuration signing key; a security
 * server acts on it only while {@link #expiresAt()} has not passed.
 *
 * <p>{@code nextConfigurationSigningCertificate} (base64 DER, or null) announces the certificate of
 * the key the registry will sign with after a rotation: a server that accepted this configuration
 * adds it to its anchor, so that it accepts configurations signed by either key until one signed by
 * the next key ends the overlap ({@link Anchor#rotatedBy}).
 *
 * <p>JSON form (through {@link org.xroadng.protocol.json.ProtocolJson}): the component names below,
 * identifiers as canonical strings, times as ISO-8601, certificates as base64 DER.
 */
public record GlobalConfiguration(String instance, long version, Instant generatedAt, Instant expiresAt,
                                  List<MemberClass> memberClasses, List<Member> members,
                                  List<SecurityServer> securityServers, List<GlobalGroup> globalGroups,
                                  List<ApprovedCa> approvedCas, List<ApprovedTsa> approvedTsas, Settings settings,
                                  Transparency transparency, String nextConfigurationSigningCertificate) {

    /** A configuration listing no transparency witnesses, with no signing key rotation under way. */
    public GlobalConfiguration(String instance, long version, Instant generatedAt, Instant expiresAt,
                               List<MemberClass> memberClasses, List<Member> members,
                               List<SecurityServer> securityServers, List<GlobalGroup> globalGroups,
                               List<ApprovedCa> approvedCas, List<ApprovedTsa> approvedTsas, Settings settings) {
        this(instance, version, generatedAt, expiresAt, memberClasses, members, securityServers, globalGroups,
                approvedCas, approvedTsas, settings, Transparency.NONE, null);
    }

    /** A configuration with no configuration signing key rotation under way. */
    public GlobalConfiguration(String instance, long version, Instant generatedAt, Instant expiresAt,
                               List<MemberClass> memberClasses, List<Member> members,
                               List<SecurityServer> securityServers, List<GlobalGroup> globalGroups,
                               List<ApprovedCa> approvedCas, List<ApprovedTsa> approvedTsas, Settings settings,
                               Transparency transparency) {
        this(instance, version, generatedAt, expiresAt, memberClasses, members, securityServers, globalGroups,
                approvedCas, approvedTsas, settings, transparency, null);
    }

    public GlobalConfiguration {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(settings, "settings");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, not " + version);
        }
        if (!expiresAt.isAfter(generatedAt)) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " is not after generatedAt " + generatedAt);
        }
        memberClasses = List.copyOf(memberClasses);
        members = List.copyOf(members);
        securityServers = List.copyOf(securityServers);
        globalGroups = List.copyOf(globalGroups);
        approvedCas = List.copyOf(approvedCas);
        approvedTsas = List.copyOf(approvedTsas);
        transparency = transparency == null ? Transparency.NONE : transparency;
    }

    /** A member class, such as GOV or COM. */
    public record MemberClass(String code, String description) {
    }

    /** A member with its name and the codes of its subsystems. */
    public record Member(MemberId id, String name, List<String> subsystems) {
        public Member {
            subsystems = List.copyOf(subsystems);
        }
    }

    /**
     * A registered security server.
     *
     * @param address               where its server proxy is reached, {@code host:port}
     * @param authCertificateHashes SHA-256 of each registered auth certificate's DER, lower-case hex
     * @param clients               the subsystems it hosts
     * @param disabledClients       the subsystems registered on it but suspended by {@code clientDisable}:
     *                              not among {@code clients}, so peers refuse their messages; absent
     *                              (null) in JSON means none
     * @param owner                 the member that owns it now: whose signing key signs its requests about
     *                              itself and who is its member-level client. The member its identifier names
     *                              until an {@code ownerChange} is approved; absent (null) in JSON means that
     *                              member. The identifier never changes (docs/registry.md, "Owner change").
     */
    public record SecurityServer(SecurityServerId id, String address, List<String> authCertificateHashes,
                                 List<SubsystemId> clients, List<SubsystemId> disabledClients, MemberId owner) {
        public SecurityServer {
            Objects.requireNonNull(id, "id");
            owner = owner == null ? id.owner() : owner;
            if (!owner.instance().equals(id.instance())) {
                throw new IllegalArgumentException("owner " + owner.format() + " of " + id.format()
                        + " is of another instance");
            }
            authCertificateHashes = List.copyOf(authCertificateHashes);
            clients = List.copyOf(clients);
            disabledClients = disabledClients == null ? List.of() : List.copyOf(disabledClients);
            for (SubsystemId client : disabledClients) {
                if (clients.contains(client)) {
                    throw new IllegalArgumentException(client.format() + " is listed both as a client and as a"
                            + " disabled client of " + id.format());
                }
            }
        }

        /** A server owned by the member its identifier names. */
        public SecurityServer(SecurityServerId id, String address, List<String> authCertificateHashes,
                              List<SubsystemId> clients, List<SubsystemId> disabledClients) {
            this(id, address, authCertificateHashes, clients, disabledClients, null);
        }

        /** A server none of whose clients is disabled, owned by the member its identifier names. */
        public SecurityServer(SecurityServerId id, String address, List<String> authCertificateHashes,
                              List<SubsystemId> clients) {
            this(id, address, authCertificateHashes, clients, List.of(), null);
        }
    }

    /** A global group; its members are member or subsystem identifiers in canonical form. */
    public record GlobalGroup(GlobalGroupId id, String description, List<String> members) {
        public GlobalGroup {
            members = List.copyOf(members);
        }

        /** Whether the client (a subsystem or a member), or the member it belongs to, is in the group. */
        public boolean contains(ClientId client) {
            return members.contains(client.format()) || members.contains(client.member().format());
        }
    }

    /** A trusted certification authority: its certificate (base64 DER) and its OCSP responder. */
    public record ApprovedCa(String name, String certificate, String ocspUrl) {
    }

    /** A trusted time-stamping authority: where it answers and its certificate (base64 DER). */
    public record ApprovedTsa(String name, String url, String certificate) {
    }

    /**
     * The transparency witnesses of the instance (DESIGN.md section 7): security servers submit
     * every access-log checkpoint to each of them (C2SP tlog-witness), and a checkpoint counts as
     * vouched for once {@code quorum} of them cosigned it. An empty list with quorum 0: none.
     */
    public record Transparency(List<TransparencyWitness> witnesses, int quorum) {

        public static final Transparency NONE = new Transparency(List.of(), 0);

        public Transparency {
            witnesses = witnesses == null ? List.of() : List.copyOf(witnesses);
            if (quorum < 0 || quorum > witnesses.size() || (quorum == 0 && !witnesses.isEmpty())) {
                throw new IllegalArgumentException("transparency quorum is " + quorum + "; expected "
                        + (witnesses.isEmpty() ? "0 with no witnesses" : "1 to " + witnesses.size()));
            }
        }
    }

    /**
     * A transparency witness anyone may run ({@code xroad witness}).
     *
     * @param name        its cosigner name, the name in its verifier key
     * @param url         its tlog-witness submission prefix ({@code POST <url>/add-checkpoint})
     * @param verifierKey its C2SP verifier key for {@code cosignature/v1}, {@code name+keyid+base64}
     */
    public record TransparencyWitness(String name, String url, String verifierKey) {
        public TransparencyWitness {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(verifierKey, "verifierKey");
            if (!verifierKey.startsWith(name + "+")) {
                throw new IllegalArgumentException("witness " + name + ": verifier key " + verifierKey
                        + " names another key");
            }
        }
    }

    /**
     * Instance-wide settings.
     *
     * @param ocspFreshnessSeconds              an OCSP response older than this counts as missing
     * @param acceptableTimestampFailureSeconds how long servers may go on without a working TSA
     */
    public record Settings(int ocspFreshnessSeconds, int acceptableTimestampFailureSeconds) {
    }

    public Optional<Member> member(MemberId id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public Optional<SecurityServer> securityServer(SecurityServerId id) {
        return securityServers.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The servers that host the client, in the order the registry lists them. */
    public List<SecurityServer> serversHosting(SubsystemId client) {
        return securityServers.stream().filter(s -> s.clients().contains(client)).toList();
    }

    /** The server whose registered auth certificates include this SHA-256 hash (lower-case hex). */
    public Optional<SecurityServer> serverWithAuthCertificate(String sha256Hex) {
        return securityServers.stream().filter(s -> s.authCertificateHashes().contains(sha256Hex)).findFirst();
    }

    public Optional<GlobalGroup> globalGroup(GlobalGroupId id) {
        return globalGroups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** Whether the configuration may still be acted on at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
