package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * A {@link MessageSigner} that signs each summary on its own, on the caller's thread: a compact
 * ES256 JWS through the token's provider (Bouncy Castle), carrying the OCSP response that
 * {@link OwnOcspResponses} keeps fresh for the member's signing certificate.
 */
public final class SingleMessageSigner implements MessageSigner {

    private final ServerIdentity identity;
    private final OwnOcspResponses ocsp;
    private final Map<X509Certificate, JwsSigner> signers = new ConcurrentHashMap<>();

    public SingleMessageSigner(ServerIdentity identity, OwnOcspResponses ocsp) {
        this.identity = identity;
        this.ocsp = ocsp;
    }

    /** Completed before it returns. */
    @Override
    public CompletableFuture<String> sign(MemberId member, MessageSummary summary, TrustedConfiguration trusted) {
        try {
            return CompletableFuture.completedFuture(signNow(member, summary, trusted));
        } catch (MessageSigningException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private String signNow(MemberId member, MessageSummary summary, TrustedConfiguration trusted)
            throws MessageSigningException {
        OwnOcspResponses.Chosen chosen = ocsp.choose(member, identity.signingKeys(member), trusted.ocspFreshness());
        ServerIdentity.MemberKey key = chosen.key();
        X509Certificate certificate = key.chain().get(0);
        String ocspResponse = chosen.ocspResponse();
        JwsSigner signer = signers.computeIfAbsent(certificate, c -> new JwsSigner(key.key(), key.chain()));
        try {
            return signer.sign(ProtocolJson.mapper().writeValueAsBytes(summary),
                    Map.of(ManagementRequests.OCSP_PARAM, ocspResponse));
        } catch (SigningException e) {
            throw new MessageSigningException(MessageSigningException.Reason.SIGNING_FAILED,
                    "signing as " + member.format() + " failed: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("message summary cannot be written as JSON", e);
        }
    }
}
