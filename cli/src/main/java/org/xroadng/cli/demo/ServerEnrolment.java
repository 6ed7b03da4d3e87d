package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.securityserver.ServerHome;

/**
 * One security server's enrolment, as its operator and the registry's operator would do it:
 * signing keys for the members it hosts (admin API {@code POST /sign-keys}), certificates issued by
 * the CA from the server's CSRs and imported through the admin API ({@code POST /certificates}),
 * authCertReg filed through the admin API ({@code POST /registration}) and approved through the
 * registry's operator API, then each client added ({@code POST /clients}), its clientReg filed
 * ({@code POST /client-registrations}) and approved. Each step looks first and is skipped when
 * already done, so a second run on the same data files nothing new.
 */
final class ServerEnrolment {

    private final SecurityServerId server;
    private final Path serverDir;
    private final JsonApi admin;
    private final JsonApi registry;
    private final Progress progress;

    ServerEnrolment(SecurityServerId server, Path serverDir, JsonApi admin, JsonApi registry, Progress progress) {
        this.server = server;
        this.serverDir = serverDir;
        this.admin = admin;
        this.registry = registry;
        this.progress = progress;
    }

    /** Signing certificates for {@code members} (the owner first) and the authentication certificate. */
    void certificates(CertificateAuthority ca, List<MemberId> members) throws DemoException {
        for (MemberId member : members) {
            Optional<JsonNode> key = key("sign", member);
            Path csrFile = serverDir.resolve(ServerHome.signCsrFile(member));
            if (key.isEmpty()) {
                JsonNode created = admin.post("/sign-keys", Map.of("member", member.format()));
                write(csrFile, created.path("csr").asText());
                progress.done(server.format() + ": signing key for " + member.format());
                key = key("sign", member);
            }
            certify(ca, key.orElseThrow(), csrFile, CertificateProfile.SIGN, member);
        }
        certify(ca, key("auth", server).orElseThrow(() -> new DemoException(server.format() + " has no authentication key")),
                serverDir.resolve(ServerHome.AUTH_CSR_FILE), CertificateProfile.AUTH, server);
    }

    /** authCertReg: filed by the server, approved by the registry operator. */
    void register() throws DemoException {
        String step = "registry: security server " + server.format() + " registered (authCertReg filed and approved)";
        if (registry.find("/security-servers/" + server.format()).found()) {
            progress.kept(step);
            return;
        }
        Optional<Long> pending = pendingRequest("authCertReg", null);
        long id = pending.isPresent() ? pending.get() : admin.post("/registration", Map.of()).path("id").asLong();
        approve(id);
        progress.done(step);
    }

    /** Adds each client on the server, then files and approves its clientReg. */
    void clients(List<SubsystemId> clients) throws DemoException {
        JsonNode existing = admin.get("/clients");
        for (SubsystemId client : clients) {
            String added = server.format() + ": client " + client.format();
            if (hasId(existing, client.format())) {
                progress.kept(added);
            } else {
                admin.post("/clients", Map.of("id", client.format()));
                progress.done(added);
            }
        }
        JsonNode registered = registry.get("/security-servers/" + server.format()).path("clients");
        for (SubsystemId client : clients) {
            String step = "registry: " + client.format() + " on " + server.format() + " (clientReg filed and approved)";
            if (RegistryEnrolment.contains(registered, client.format())) {
                progress.kept(step);
                continue;
            }
            Optional<Long> pending = pendingRequest("clientReg", client);
            if (pending.isPresent()) {
                approve(pending.get());
            } else {
                JsonNode filed = admin.post("/client-registrations", Map.of("client", client.format()));
                if (!"approved".equals(filed.path("status").asText())) {
                    approve(filed.path("id").asLong());
                }
            }
            progress.done(step);
        }
    }

    private void certify(CertificateAuthority ca, JsonNode key, Path csrFile, CertificateProfile profile, XRoadId identity)
            throws DemoException {
        String step = server.format() + ": " + profile.code() + " certificate for " + identity.format()
                + " issued by the CA and imported";
        if (key.path("certified").asBoolean()) {
            progress.kept(step);
            return;
        }
        X509Certificate certificate;
        try {
            certificate = ca.issue(new IssueRequest(Files.readAllBytes(csrFile), profile, identity, List.of(), null))
                    .certificate();
        } catch (IOException e) {
            throw new DemoException("cannot read the CSR " + csrFile + " of key " + key.path("keyId").asText() + ": "
                    + e.getMessage() + "; remove the data directory to start afresh", e);
        } catch (CaException e) {
            throw new DemoException("the CA refused the CSR " + csrFile + ": " + e.getMessage(), e);
        }
        admin.post("/certificates", Map.of("certificate", Pem.encode(certificate) + Pem.encode(ca.caCertificate())));
        progress.done(step);
    }

    private Optional<JsonNode> key(String role, XRoadId identity) throws DemoException {
        for (JsonNode key : admin.get("/keys")) {
            if (role.equals(key.path("role").asText()) && identity.format().equals(key.path("identity").asText())) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** A pending request of this server (and client) left by a run that stopped before approving it. */
    private Optional<Long> pendingRequest(String type, SubsystemId client) throws DemoException {
        for (JsonNode request : registry.get("/management-requests?status=pending&limit=500").path("items")) {
            if (type.equals(request.path("type").asText()) && server.format().equals(request.path("server").asText())
                    && (client == null || client.format().equals(request.path("client").asText()))) {
                return Optional.of(request.path("id").asLong());
            }
        }
        return Optional.empty();
    }

    private void approve(long id) throws DemoException {
        JsonNode decided = registry.post("/management-requests/" + id + "/approve", null);
        if (!"approved".equals(decided.path("status").asText())) {
            throw new DemoException("management request " + id + " was not approved: " + decided);
        }
    }

    static boolean hasId(JsonNode items, String id) {
        for (JsonNode item : items) {
            if (id.equals(item.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void write(Path file, String text) throws DemoException {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new DemoException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
