package org.xroadng.securityserver.keys;

import java.io.Closeable;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.certs.Pem;
import org.xroadng.certs.acme.AcmeClient;
import org.xroadng.certs.acme.AcmeException;
import org.xroadng.certs.acme.AcmeIdentifier;
import org.xroadng.certs.acme.Http01Responder;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.securityserver.ServerException;

/**
 * Renews this server's certificates by ACME (RFC 8555) at the CA that issued them, handing the new
 * certificate to the existing key rotation: a new key is generated in the token the old one is in
 * ({@link ServerKeys#rotateSigningKey}, {@link ServerKeys#rotateAuthKey}), its CSR is ordered and
 * finalized at the CA's ACME server ({@link AcmeClient}, an account bound by the EAB credentials of
 * {@link AcmeSettings}), and the chain is imported ({@link ServerKeys#importCertificate}). A signing
 * certificate is then taken into use as a rotated one is: the signer moves to the newest
 * certificate once an OCSP response for it is at hand. An authentication certificate still needs
 * the registry's approval (authCertReg), which the caller files.
 *
 * <p>A key already waiting for its certificate (an earlier renewal the CA refused, or a rotation
 * begun by hand) is used instead of generating another, so a retry does not pile up keys.
 */
public final class CertificateRenewal {

    /** A certificate renewed: the key it replaces, the new key and its certificate. */
    public record Renewed(ServerKeys.Role role, XRoadId identity, String previousKeyId, String keyId,
                          X509Certificate certificate) {
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ServerKeys keys;
    private final AcmeSettings settings;
    private final SecureRandom random;
    private final HttpClient http;
    private final Clock clock;

    public CertificateRenewal(ServerKeys keys, AcmeSettings settings, SecureRandom random, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public AcmeSettings settings() {
        return settings;
    }

    /**
     * The keys whose certificate is due: it expires within {@code renewBeforeDays} of now
     * (or has expired) and no other key of the same use and identity holds a certificate valid
     * for longer (it was not renewed yet).
     */
    public List<ServerKeys.KeyInfo> due() {
        Instant horizon = clock.instant().plus(Duration.ofDays(settings.renewBeforeDays()));
        List<ServerKeys.KeyInfo> due = new ArrayList<>();
        for (ServerKeys.KeyInfo key : keys.keys()) {
            if (key.certificate().isPresent() && key.certificate().get().getNotAfter().toInstant().isBefore(horizon)
                    && successor(key).isEmpty()) {
                due.add(key);
            }
        }
        return List.copyOf(due);
    }

    /** Renews the certificate of key {@code keyId} now, whether or not it is due. */
    public synchronized Renewed renew(String keyId) throws ServerException, TokenException {
        ServerKeys.KeyInfo key = keys.keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst()
                .orElseThrow(() -> ServerException.notFound("this server has no key " + keyId));
        if (key.certificate().isEmpty()) {
            throw ServerException.conflict("key " + keyId + " has no certificate to renew; its first certificate is"
                    + " applied for by hand (CSR, CA, xroad server import-cert)");
        }
        Optional<ServerKeys.KeyInfo> successor = successor(key);
        if (successor.isPresent()) {
            throw ServerException.conflict("the certificate of key " + keyId + " was already renewed: key "
                    + successor.get().keyId() + " holds one valid until " + successor.get().certificate().orElseThrow()
                    .getNotAfter().toInstant());
        }
        String newKeyId = waiting(key).map(ServerKeys.KeyInfo::keyId).orElse(null);
        if (newKeyId == null) {
            newKeyId = key.role() == ServerKeys.Role.SIGN
                    ? keys.rotateSigningKey((MemberId) key.identity(),
                    key.token().equals(ServerKeys.KeyInfo.SOFTWARE) ? null : key.token())
                    : keys.rotateAuthKey();
        }
        byte[] csr;
        try {
            csr = Pem.csr(keys.csr(newKeyId).getBytes(StandardCharsets.US_ASCII)).getEncoded();
        } catch (IOException e) {
            throw new TokenException("the certification request of key " + newKeyId + " cannot be encoded: "
                    + e.getMessage(), e);
        }
        List<X509Certificate> chain;
        try {
            List<AcmeIdentifier> identifiers = AcmeIdentifier.requestedBy(csr);
            chain = AcmeClient.connect(settings.directory(), http, random).register(settings.eab())
                    .obtain(identifiers, csr, new ChallengeListener(settings));
        } catch (AcmeException e) {
            throw ServerException.upstream("the CA's ACME server at " + settings.directory() + " did not renew the "
                    + describe(key) + " certificate (new key " + newKeyId + " waits for it): " + e.getMessage()
                    + " [" + e.type() + "]");
        }
        ServerKeys.KeyInfo imported = keys.importCertificate(chain);
        return new Renewed(key.role(), key.identity(), keyId, imported.keyId(), imported.certificate().orElseThrow());
    }

    private static String describe(ServerKeys.KeyInfo key) {
        return (key.role() == ServerKeys.Role.AUTH ? "authentication" : "signing") + " (" + key.identity().format() + ")";
    }

    /** Another key of the same use and identity whose certificate ends later. */
    private Optional<ServerKeys.KeyInfo> successor(ServerKeys.KeyInfo key) {
        Instant end = key.certificate().orElseThrow().getNotAfter().toInstant();
        return keys.keys().stream().filter(k -> k.role() == key.role() && k.identity().equals(key.identity())
                && !k.keyId().equals(key.keyId()) && k.certificate().isPresent()
                && k.certificate().get().getNotAfter().toInstant().isAfter(end)).findFirst();
    }

    private Optional<ServerKeys.KeyInfo> waiting(ServerKeys.KeyInfo key) {
        return keys.keys().stream().filter(k -> k.role() == key.role() && k.identity().equals(key.identity())
                && k.certificate().isEmpty()).findFirst();
    }

    /**
     * Serves the http-01 key authorization on {@link AcmeSettings#challengeListen} while the CA
     * checks it (RFC 8555 section 8.3), and nothing else; the listener closes with the handle.
     */
    private static final class ChallengeListener implements Http01Responder {

        private final AcmeSettings settings;

        ChallengeListener(AcmeSettings settings) {
            this.settings = settings;
        }

        @Override
        public Closeable publish(String token, String keyAuthorization) throws IOException {
            HttpApiServer server = HttpApiServer.builder("acme-challenge").bind(settings.challengeListen()).threads(1)
                    .maxBodyBytes(0)
                    .route("GET", "/.well-known/acme-challenge/{token}", call -> token.equals(call.pathParam("token"))
                            ? HttpReply.of(200, "application/octet-stream",
                            keyAuthorization.getBytes(StandardCharsets.US_ASCII))
                            : HttpReply.text(404, "no such challenge token"))
                    .start();
            return server::close;
        }
    }
}
