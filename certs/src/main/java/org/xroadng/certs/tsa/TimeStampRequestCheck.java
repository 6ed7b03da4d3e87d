package org.xroadng.certs.tsa;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TimeStampRequest;

/**
 * What a {@link TimeStampAuthority} accepts in a parsed {@code TimeStampReq} (RFC 3161 section
 * 2.4.1): version 1, a 32-byte SHA-256 imprint, no policy or ours, and no extensions, since the
 * section requires refusing any extension the TSA does not recognise and we recognise none.
 */
final class TimeStampRequestCheck {

    /** Why a request is refused: the PKIFailureInfo bit and the status string (RFC 3161 section 2.4.2). */
    record Refusal(int failInfo, String statusString) {
    }

    static final ASN1ObjectIdentifier SHA256 = NISTObjectIdentifiers.id_sha256;
    private static final int SHA256_LENGTH = 32;

    private TimeStampRequestCheck() {
    }

    /** Empty when the request may be granted under {@code policy}. */
    static Optional<Refusal> refusal(TimeStampRequest request, ASN1ObjectIdentifier policy) {
        if (request.getVersion() != 1) {
            return refuse(PKIFailureInfo.badDataFormat, "unsupported TimeStampReq version " + request.getVersion()
                    + "; expected 1");
        }
        ASN1ObjectIdentifier algorithm = request.getMessageImprintAlgOID();
        if (!SHA256.equals(algorithm)) {
            return refuse(PKIFailureInfo.badAlg, "only SHA-256 (" + SHA256 + ") message imprints are accepted; got "
                    + algorithm);
        }
        int length = request.getMessageImprintDigest().length;
        if (length != SHA256_LENGTH) {
            return refuse(PKIFailureInfo.badDataFormat, "a SHA-256 message imprint is " + SHA256_LENGTH
                    + " bytes; got " + length);
        }
        ASN1ObjectIdentifier requested = request.getReqPolicy();
        if (requested != null && !requested.equals(policy)) {
            return refuse(PKIFailureInfo.unacceptedPolicy, "this TSA issues tokens only under policy " + policy
                    + "; requested " + requested);
        }
        if (request.hasExtensions()) {
            return refuse(PKIFailureInfo.unacceptedExtension, "this TSA recognises no request extensions; got "
                    + request.getExtensionOIDs());
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(int failInfo, String statusString) {
        return Optional.of(new Refusal(failInfo, statusString));
    }
}
