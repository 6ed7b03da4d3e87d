package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * Signs message summaries as a member (DESIGN.md section 6): a compact ES256 JWS whose {@code x5c}
 * is the member's signing certificate chain and whose protected {@code ocsp} parameter carries a
 * fresh OCSP response for that certificate. The key stays in the token; signatures go through the
 * token's provider (Bouncy Castle).
 */
public final class MessageSigner {

    private final ServerIdentity identity;
    private final OwnOcspResponses ocsp;
    private final Map<X509Certificate, JwsSigner> signers = new ConcurrentHashMap<>();

    public MessageSigner(ServerIdentity identity, OwnOcspResponses ocsp) {
        this.identity = identity;
        this.ocsp = ocsp;
    }

    /**
     * Signs {@code summary} (a {@link RequestDigest} or {@link ResponseDigest}) as {@code member}.
     *
     * @param failure the error type to report when this server cannot sign for the member
     */
    public String sign(MemberId member, Object summary, TrustedConfiguration trusted, ErrorType failure,
                       ErrorType statusUnavailable) throws ExchangeException {
        ServerIdentity.MemberKey key = identity.signingKey(member).orElseThrow(() -> new ExchangeException(failure,
                "this security server holds no signing certificate for member " + member.format()));
        X509Certificate certificate = key.chain().get(0);
        String ocspResponse = ocsp.forSignature(certificate, trusted.ocspFreshness(), statusUnavailable);
        JwsSigner signer = signers.computeIfAbsent(certificate, c -> new JwsSigner(key.key(), key.chain()));
        try {
            return signer.sign(ProtocolJson.mapper().writeValueAsBytes(summary),
                    Map.of(ManagementRequests.OCSP_PARAM, ocspResponse));
        } catch (SigningException e) {
            throw new ExchangeException(failure, "signing as " + member.format() + " failed: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("message summary cannot be written as JSON", e);
        }
    }
}
