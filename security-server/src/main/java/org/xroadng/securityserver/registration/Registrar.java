package org.xroadng.securityserver.registration;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ocsp.HttpOcspTransport;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.ocsp.OcspResult;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.AddressChangeRequest;
import org.xroadng.protocol.management.AuthCertDeletionRequest;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ClientChangeRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.protocol.management.OwnerRequest;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.message.ServerIdentity.MemberKey;

/**
 * Files management requests at the registry's {@code POST /management/requests} (the anchor's
 * download URL with {@code /globalconf} replaced by {@code /management/requests}).
 *
 * <p>Guarantees: before signing, the global configuration is downloaded and verified against the
 * anchor; each signing certificate gets a fresh OCSP response from the responder in its AIA
 * extension, verified against the issuing CA taken from the configuration's approved CAs, and must
 * be {@code good}. A request is sent only when all of that succeeded. After each download, the
 * clients' registered flags are brought in line with the configuration.
 *
 * <p>The server's requests about itself are signed by its owner as the downloaded configuration
 * names it ({@link GlobalConfiguration.SecurityServer#owner}): after an approved {@code ownerChange}
 * the new owner's key is taken into use from the first configuration that shows it, while the
 * server's identifier stays (docs/security-server.md, "Owner change").
 */
public final class Registrar implements Registration {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String MEDIA_TYPE = "application/jose";

    private final ServerSettings settings;
    private final ServerKeys keys;
    private final ServerConfStore store;
    private final URI requestsUrl;
    private final ConfigurationClient configuration;
    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public Registrar(ServerSettings settings, Anchor anchor, ServerKeys keys, ServerConfStore store, Provider provider,
                     SecureRandom random, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.store = Objects.requireNonNull(store, "store");
        this.provider = provider;
        this.random = random;
        this.clock = clock;
        this.requestsUrl = managementUrl(anchor);
        this.configuration = new ConfigurationClient(anchor, new HttpConfigurationSource(anchor), clock, provider, null);
    }

    /** The management requests URL derived from the anchor's download URL. */
    public static URI managementUrl(Anchor anchor) {
        String url = anchor.downloadUrl().toString();
        if (!url.endsWith("/globalconf")) {
            throw new IllegalArgumentException("anchor download URL " + url + " does not end with /globalconf;"
                    + " cannot derive the registry's /management/requests URL");
        }
        return URI.create(url.substring(0, url.length() - "/globalconf".length()) + "/management/requests");
    }

    @Override
    public Filed register() throws RegistrationException {
        // The newest certified authentication key: the only one, or the next one of a rotation.
        ServerKeys.KeyInfo authKey = keys.authKeys().stream().findFirst().orElseThrow(() -> RegistrationException.notReady(
                "the authentication key " + keys.authKeyId() + " has no CA-issued certificate yet; import one first"));
        X509Certificate authCertificate = authKey.certificate().orElseThrow();
        GlobalConfiguration global = refresh();
        MemberKey owner = ownerSigner(global);
        byte[] authOcsp = ocsp(authCertificate, global);
        byte[] ownerOcsp = ocsp(owner.chain().get(0), global);
        try {
            AuthCertRegRequest request = new AuthCertRegRequest(keys.serverId(), settings.serverAddress(),
                    Base64.getEncoder().encodeToString(authCertificate.getEncoded()), clock.instant());
            JwsSigner authSigner = new JwsSigner(keys.authSigningKey(authKey.keyId()), List.of(authCertificate));
            return send(ManagementRequests.authCertReg(request, authSigner, authOcsp,
                    new JwsSigner(owner.key(), owner.chain()), ownerOcsp));
        } catch (CertificateEncodingException | TokenException | SigningException e) {
            throw new RegistrationException(RegistrationException.Kind.NOT_READY, "Registration.SigningFailed",
                    "cannot sign the authCertReg request: " + e.getMessage(), e);
        }
    }

    @Override
    public Filed registerClient(SubsystemId client) throws RegistrationException {
        if (store.current().client(client).isEmpty()) {
            throw RegistrationException.notReady(client + " is not a client of this server; add it first");
        }
        MemberKey signer = keys.signer(client.member()).orElseThrow(() -> RegistrationException.notReady(
                "member " + client.member() + " has no signing certificate on this server; create a signing key"
                        + " (sign-key add), have the CA certify it and import the certificate"));
        GlobalConfiguration global = refresh();
        byte[] ocsp = ocsp(signer.chain().get(0), global);
        try {
            Filed filed = send(ManagementRequests.clientReg(new ClientRegRequest(keys.serverId(), client, clock.instant()),
                    new JwsSigner(signer.key(), signer.chain()), ocsp));
            if (filed.status().equals("approved")) {
                markRegistered(client);
            }
            return filed;
        } catch (SigningException e) {
            throw new RegistrationException(RegistrationException.Kind.NOT_READY, "Registration.SigningFailed",
                    "cannot sign the clientReg request: " + e.getMessage(), e);
        }
    }

    @Override
    public Filed changeClient(String type, SubsystemId client) throws RegistrationException {
        if (!ClientChangeRequest.TYPES.contains(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected one of " + ClientChangeRequest.TYPES);
        }
        return fileAsOwner(new ClientChangeRequest(type, keys.serverId(), client, clock.instant()));
    }

    @Override
    public Filed deleteAuthCertificate(Optional<X509Certificate> certificate) throws RegistrationException {
        if (certificate.isEmpty() && keys.authKeys().size() > 1) {
            // In a rotation the wrong default would withdraw the certificate the server presents.
            throw RegistrationException.notReady("this server has " + keys.authKeys().size() + " authentication"
                    + " certificates (a rotation); name the one to delete");
        }
        X509Certificate withdrawn = certificate.isPresent() ? certificate.get() : keys.authCertificate().orElseThrow(
                () -> RegistrationException.notReady("the authentication key " + keys.authKeyId() + " has no"
                        + " certificate; name the certificate to delete"));
        try {
            return fileAsOwner(new AuthCertDeletionRequest(keys.serverId(),
                    Base64.getEncoder().encodeToString(withdrawn.getEncoded()), clock.instant()));
        } catch (CertificateEncodingException e) {
            throw RegistrationException.notReady("the certificate " + withdrawn.getSubjectX500Principal()
                    + " cannot be DER-encoded: " + e.getMessage());
        }
    }

    @Override
    public Filed changeAddress(String address) throws RegistrationException {
        return fileAsOwner(new AddressChangeRequest(keys.serverId(), address, clock.instant()));
    }

    @Override
    public Filed changeOwner(MemberId newOwner) throws RegistrationException {
        SecurityServerId self = keys.serverId();
        if (!newOwner.instance().equals(self.instance())) {
            throw RegistrationException.notReady("new owner " + newOwner + " is of instance " + newOwner.instance()
                    + "; this server is of instance " + self.instance());
        }
        GlobalConfiguration global = refresh();
        MemberId owner = ownerIn(global);
        if (newOwner.equals(owner)) {
            throw RegistrationException.notReady(newOwner + " already owns this server");
        }
        Optional<GlobalConfiguration.SecurityServer> registered = global.securityServers().stream()
                .filter(s -> s.id().equals(self)).findFirst();
        if (registered.isEmpty()) {
            throw RegistrationException.notReady("this server " + self + " is not registered in the global"
                    + " configuration yet; its authCertReg must be approved first");
        }
        boolean client = registered.get().clients().stream().anyMatch(c -> c.member().equals(newOwner))
                || registered.get().disabledClients().stream().anyMatch(c -> c.member().equals(newOwner));
        if (!client) {
            throw RegistrationException.notReady("new owner " + newOwner + " is not a registered client of this"
                    + " server; register one of its subsystems here first (xroad server client register)");
        }
        MemberKey signer = keys.signer(newOwner).orElseThrow(() -> RegistrationException.notReady(
                "new owner " + newOwner + " has no signing certificate on this server; create a signing key"
                        + " (sign-key add), have the CA certify it and import the certificate"));
        byte[] ocsp = ocsp(signer.chain().get(0), global);
        try {
            return send(ManagementRequests.ownerChange(new OwnerChangeRequest(self, newOwner, clock.instant()),
                    new JwsSigner(signer.key(), signer.chain()), ocsp));
        } catch (SigningException e) {
            throw new RegistrationException(RegistrationException.Kind.NOT_READY, "Registration.SigningFailed",
                    "cannot sign the ownerChange request: " + e.getMessage(), e);
        }
    }

    /** The member that owns this server as {@code global} names it; the identifier's before registration. */
    private MemberId ownerIn(GlobalConfiguration global) {
        SecurityServerId self = keys.serverId();
        return global.securityServers().stream().filter(s -> s.id().equals(self)).findFirst()
                .map(GlobalConfiguration.SecurityServer::owner).orElse(self.owner());
    }

    /** The signing key of this server's owner as {@code global} names it. */
    private MemberKey ownerSigner(GlobalConfiguration global) throws RegistrationException {
        MemberId owner = ownerIn(global);
        return keys.signer(owner).orElseThrow(() -> RegistrationException.notReady("the owner " + owner
                + " has no signing certificate on this server yet; import one first"));
    }

    /** Signs the request with the server owner's signing key, with a fresh OCSP response, and files it. */
    private Filed fileAsOwner(OwnerRequest request) throws RegistrationException {
        GlobalConfiguration global = refresh();
        MemberKey owner = ownerSigner(global);
        byte[] ocsp = ocsp(owner.chain().get(0), global);
        try {
            return send(ManagementRequests.ownerRequest(request, new JwsSigner(owner.key(), owner.chain()), ocsp));
        } catch (SigningException e) {
            throw new RegistrationException(RegistrationException.Kind.NOT_READY, "Registration.SigningFailed",
                    "cannot sign the " + request.type() + " request: " + e.getMessage(), e);
        }
    }

    private void markRegistered(SubsystemId client) {
        try {
            store.setRegistered(client, true);
        } catch (org.xroadng.securityserver.ServerException e) {
            // The client was deleted meanwhile: there is nothing to mark.
        }
    }

    private GlobalConfiguration refresh() throws RegistrationException {
        try {
            GlobalConfiguration global = configuration.refresh();
            store.syncRegistrations(global);
            return global;
        } catch (ConfigurationException e) {
            throw new RegistrationException(RegistrationException.Kind.UNAVAILABLE, "Registration.GlobalConfiguration",
                    "cannot get a verified global configuration: " + e.getMessage(), e);
        }
    }

    /** A fresh, verified, good OCSP response for the certificate, from its issuer among the approved CAs. */
    private byte[] ocsp(X509Certificate certificate, GlobalConfiguration global) throws RegistrationException {
        X509Certificate issuer = issuer(certificate, global);
        OcspResult result;
        try {
            OcspClient client = new OcspClient(HttpOcspTransport.withTimeout(TIMEOUT), clock,
                    Duration.ofSeconds(global.settings().ocspFreshnessSeconds()), provider, random);
            result = client.check(certificate, issuer);
        } catch (OcspException e) {
            throw new RegistrationException(RegistrationException.Kind.UNAVAILABLE, "Registration.Ocsp",
                    "cannot get an OCSP response for " + certificate.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
        if (result.status() != OcspResult.Status.GOOD) {
            throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "Registration.CertificateNotGood",
                    "certificate " + certificate.getSubjectX500Principal() + " has OCSP status " + result.status()
                            + "; expected GOOD");
        }
        return result.encoded();
    }

    private static X509Certificate issuer(X509Certificate certificate, GlobalConfiguration global)
            throws RegistrationException {
        for (GlobalConfiguration.ApprovedCa ca : global.approvedCas()) {
            try {
                X509Certificate candidate = Pem.certificate(Base64.getDecoder().decode(ca.certificate()));
                if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                    certificate.verify(candidate.getPublicKey());
                    return candidate;
                }
            } catch (CertificateException | IllegalArgumentException e) {
                // Not a usable CA certificate: try the next.
            } catch (GeneralSecurityException e) {
                // Same name, other key: try the next.
            }
        }
        throw RegistrationException.notReady("certificate " + certificate.getSubjectX500Principal() + " was issued by "
                + certificate.getIssuerX500Principal() + ", which is not an approved CA in the global configuration");
    }

    private Filed send(String jws) throws RegistrationException {
        HttpRequest request = HttpRequest.newBuilder(requestsUrl).timeout(TIMEOUT)
                .header("Content-Type", MEDIA_TYPE).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jws, StandardCharsets.US_ASCII)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistrationException(RegistrationException.Kind.UNAVAILABLE, "Registration.Unreachable",
                    "cannot reach the registry at " + requestsUrl + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistrationException(RegistrationException.Kind.UNAVAILABLE, "Registration.Unreachable",
                    "interrupted while filing the request at " + requestsUrl, e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() == 202 && json != null) {
            return new Filed(json.path("id").asLong(), json.path("type").asText(), json.path("status").asText());
        }
        String type = json == null ? "Registry.Error" : json.path("type").asText("Registry.Error");
        String message = json == null ? response.body() : json.path("message").asText(response.body());
        throw new RegistrationException(RegistrationException.Kind.REFUSED, response.statusCode(), type,
                "the registry refused the request (HTTP " + response.statusCode() + " " + type + "): " + message);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : ProtocolJson.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
