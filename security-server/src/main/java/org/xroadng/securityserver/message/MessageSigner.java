package org.xroadng.securityserver.message;

import java.util.concurrent.CompletableFuture;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * Signs message summaries as a member: the {@code X-Road-Signature} of a request or a response
 * (DESIGN.md section 6).
 *
 * <h2>Security guarantees</h2>
 * A future that completes normally holds a compact JWS (RFC 7515 section 7.1) with algorithm ES256
 * (ECDSA P-256 with SHA-256, RFC 7518 section 3.4) whose payload is exactly the summary's JSON
 * ({@link org.xroadng.protocol.json.ProtocolJson}), made with the member's signing key, which never
 * leaves its token. Its protected header carries the key's certificate chain in {@code x5c} (RFC 7515
 * section 4.1.6) and, in the parameter {@code ocsp}, the base64 DER OCSP response (RFC 6960) saying
 * {@code good} for that certificate and no older than the configuration's {@code ocspFreshnessSeconds}
 * when signed. Nothing is signed without such a response. Otherwise the future fails with a
 * {@link MessageSigningException} whose reason says why; the caller chooses the wire error.
 *
 * <h2>Single and batch signers</h2>
 * The answer is a future so that a signer may sign many summaries at once. {@link SingleMessageSigner}
 * signs each summary alone and has completed the future when it returns. {@link BatchMessageSigner}
 * queues the summary and signs whatever is waiting at once (no timer): one Merkle root of salted,
 * domain-separated leaves per member under the guarantees above, completing each queued future
 * with its message's {@link BatchSignature} (the root JWS with the leaf and inclusion path, not a
 * compact JWS); a summary waiting alone gets the plain compact JWS. Callers compose on the future
 * and must not assume which thread completes it.
 */
public interface MessageSigner {

    CompletableFuture<String> sign(MemberId member, MessageSummary summary, TrustedConfiguration trusted);
}
