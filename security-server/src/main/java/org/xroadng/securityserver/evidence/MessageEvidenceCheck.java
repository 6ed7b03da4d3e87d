package org.xroadng.securityserver.evidence;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.certs.ocsp.CarriedOcspChecker;
import org.xroadng.certs.ocsp.OcspResponseVerifier;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.certs.tsa.TimestampVerifier;
import org.xroadng.certs.validation.CertificateValidationException;
import org.xroadng.certs.validation.CertificateValidator;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.log.RecordFields;
import org.xroadng.securityserver.message.MessageHashes;
import org.xroadng.securityserver.message.RequestDigest;
import org.xroadng.securityserver.message.ResponseDigest;

/**
 * The checks of one message of a bundle (its part being {@code request} or {@code response}), as
 * listed in {@link EvidenceVerifier}'s class comment: signature, body digest, record hash,
 * inclusion path, time-stamp token, and the signing certificate at the token's genTime. Each
 * failure goes to the report under {@code part.signature}
 * (a batch signature's {@code part.signature.root} or {@code part.signature.path}, see
 * {@link EvidenceSignature}), {@code part.body},
 * {@code part.recordHash}, {@code part.inclusionPath}, {@code part.timestamp.root},
 * {@code part.timestamp.token}, {@code part.certificate} or {@code part.ocsp}.
 */
final class MessageEvidenceCheck {

    private static final HexFormat HEX = HexFormat.of();

    private final Provider provider;
    private final Clock clock;
    private final JwsVerifier jwsVerifier;
    private final EvidenceVerifier.Trust trust;
    private final EvidenceBundle.Exchange exchange;
    private final EvidenceVerifier.Report report;

    MessageEvidenceCheck(Provider provider, Clock clock, JwsVerifier jwsVerifier, EvidenceVerifier.Trust trust,
                         EvidenceBundle.Exchange exchange, EvidenceVerifier.Report report) {
        this.provider = provider;
        this.clock = clock;
        this.jwsVerifier = jwsVerifier;
        this.trust = trust;
        this.exchange = exchange;
        this.report = report;
    }

    <T> EvidenceVerifier.Checked<T> check(String part, EvidenceBundle.Message message, Class<T> digestType,
                                          boolean request) {
        VerifiedJws jws = null;
        T digest = null;
        try {
            EvidenceSignature.Read read = new EvidenceSignature(jwsVerifier, provider).read(message.signature());
            jws = read.jws();
            digest = org.xroadng.protocol.json.ProtocolJson.mapper().readValue(read.summary(), digestType);
            if (read.fact() != null) {
                report.fact(part + " signature: " + read.fact());
            }
        } catch (EvidenceSignature.Failure e) {
            report.fail(part + e.part(), e.getMessage());
            jws = null;
        } catch (IOException | RuntimeException e) {
            report.fail(part + ".signature", "the signed payload is not a " + part + " digest: " + e.getMessage());
            jws = null;
        }
        byte[] body = null;
        try {
            body = Base64.getDecoder().decode(message.body());
        } catch (IllegalArgumentException e) {
            report.fail(part + ".body", "the body is not base64: " + e.getMessage());
        }
        if (body != null && digest != null) {
            String signed = digest instanceof RequestDigest d ? d.bodySha256()
                    : ((ResponseDigest) digest).bodySha256();
            String actual = MessageHashes.sha256(body);
            if (!signed.equals(actual)) {
                report.fail(part + ".body", "the signature covers a body with SHA-256 " + signed
                        + "; the bundled body hashes to " + actual);
            }
        }
        if (body != null) {
            checkRecordHash(part, message, body, request);
        }
        Instant genTime = checkStamp(part, message);
        String member = null;
        if (jws != null && genTime != null && trust != null) {
            member = checkCertificate(part, jws, genTime);
        }
        return new EvidenceVerifier.Checked<>(digest, member);
    }

    private void checkRecordHash(String part, EvidenceBundle.Message m, byte[] body, boolean request) {
        byte[] computed;
        try {
            RecordFields fields = new RecordFields(m.recordId(), exchange.side(), part, exchange.queryId(),
                    exchange.requestId(), exchange.client(), exchange.service(), exchange.method(), exchange.path(),
                    exchange.userId(), exchange.issue(), exchange.purpose(), exchange.subjects(),
                    request ? List.of() : exchange.dataSubjects(), request ? null : exchange.status(),
                    exchange.exchangedAt(), m.storedAt(), m.signature(), sha256(body),
                    HEX.parseHex(m.sealedBodySha256()), HEX.parseHex(m.prevHash()));
            computed = fields.recordHash();
        } catch (IllegalArgumentException e) {
            report.fail(part + ".recordHash", "the record's hashed fields cannot be read: " + e.getMessage());
            return;
        }
        if (!EvidenceVerifier.equalHex(computed, m.recordHash())) {
            report.fail(part + ".recordHash", "the record's fields hash to " + HEX.formatHex(computed)
                    + "; the bundled record hash is " + m.recordHash());
        }
    }

    /** Checks the inclusion path and the token; returns the verified genTime, or null when the token failed. */
    private Instant checkStamp(String part, EvidenceBundle.Message m) {
        EvidenceBundle.Stamp stamp = m.stamp();
        EvidenceBundle.Batch batch = stamp.batch();
        byte[] recordHash;
        byte[] root;
        byte[] token;
        List<byte[]> path = new ArrayList<>();
        try {
            recordHash = HEX.parseHex(m.recordHash());
        } catch (IllegalArgumentException e) {
            report.fail(part + ".recordHash", "the record hash is not hex: " + e.getMessage());
            return null;
        }
        try {
            root = HEX.parseHex(batch.root());
        } catch (IllegalArgumentException e) {
            report.fail(part + ".timestamp.root", "the batch root is not hex: " + e.getMessage());
            return null;
        }
        try {
            token = Base64.getDecoder().decode(batch.token());
        } catch (IllegalArgumentException e) {
            report.fail(part + ".timestamp.token", "the token is not base64: " + e.getMessage());
            return null;
        }
        try {
            for (String h : stamp.inclusionPath()) {
                path.add(HEX.parseHex(h));
            }
        } catch (IllegalArgumentException e) {
            report.fail(part + ".inclusionPath", "an inclusion path hash is not hex: " + e.getMessage());
            path = null;
        }
        if (m.recordId() != batch.firstRecordId() + stamp.leafIndex()) {
            report.fail(part + ".inclusionPath", "record " + m.recordId() + " is claimed as leaf "
                    + stamp.leafIndex() + " of a batch starting at record " + batch.firstRecordId());
        }
        boolean proofOk = path != null && includes(recordHash, stamp, batch.size(), path, root);
        Instant genTime = null;
        if (trust == null) {
            report.fail(part + ".timestamp.token", "not checked: no verified configuration names the approved TSAs");
        } else {
            genTime = checkToken(part, batch, token, root, proofOk, recordHash, stamp, path);
        }
        if (!proofOk && path != null && !rootAltered(token, recordHash, stamp, batch.size(), path, root)) {
            report.fail(part + ".inclusionPath", "the record hash and inclusion path do not lead to the batch root "
                    + batch.root() + " as leaf " + stamp.leafIndex() + " of " + batch.size());
        }
        return genTime;
    }

    private Instant checkToken(String part, EvidenceBundle.Batch batch, byte[] token, byte[] root, boolean proofOk,
                               byte[] recordHash, EvidenceBundle.Stamp stamp, List<byte[]> path) {
        X509Certificate tsa = trust.tsas().stream().filter(t -> t.url().equals(batch.tsaUrl())).findFirst()
                .map(EvidenceVerifier.Trust.Tsa::certificate).orElse(null);
        if (tsa == null) {
            report.fail(part + ".timestamp.token", "the token is from " + batch.tsaUrl()
                    + ", which is not an approved TSA of the configuration");
            return null;
        }
        try {
            Instant genTime = new TimestampVerifier(provider).verify(token, root, tsa).genTime();
            if (genTime.isAfter(EvidenceVerifier.latestAcceptable(clock))) {
                report.fail(part + ".timestamp.token", "the token's genTime " + genTime + " is in the future");
                return null;
            }
            report.fact(part + " record time-stamped at " + genTime + " by " + tsa.getSubjectX500Principal().getName()
                    + " (batch " + batch.id() + ", leaf " + stamp.leafIndex() + " of " + batch.size() + ")");
            return genTime;
        } catch (TimestampException e) {
            if (e.check() == TimestampException.Check.IMPRINT && !proofOk && path != null
                    && rootAltered(token, recordHash, stamp, batch.size(), path, root)) {
                report.fail(part + ".timestamp.root", "the batch root " + batch.root() + " is neither the token's"
                        + " imprint nor where the inclusion path leads (" + e.actual().orElse("?") + ")");
            } else {
                report.fail(part + ".timestamp.token", "the token does not verify over the batch root: "
                        + e.getMessage());
            }
            return null;
        }
    }

    /** True when the path leads to the token's imprint instead of the bundled root: the root is what changed. */
    private static boolean rootAltered(byte[] token, byte[] recordHash, EvidenceBundle.Stamp stamp, int size,
                                       List<byte[]> path, byte[] root) {
        byte[] imprint;
        try {
            imprint = new TimeStampToken(ContentInfo.getInstance(ASN1Primitive.fromByteArray(token)))
                    .getTimeStampInfo().getMessageImprintDigest();
        } catch (IOException | TSPException | RuntimeException e) {
            return false;
        }
        return !MessageDigest.isEqual(imprint, root) && includes(recordHash, stamp, size, path, imprint);
    }

    private static boolean includes(byte[] recordHash, EvidenceBundle.Stamp stamp, int size, List<byte[]> path,
                                    byte[] root) {
        if (recordHash.length != MerkleHashes.HASH_SIZE) {
            return false;
        }
        try {
            ProofVerifier.verifyInclusion(stamp.leafIndex(), size, MerkleHashes.leafHash(recordHash), path, root);
            return true;
        } catch (ProofVerificationException | RuntimeException e) {
            return false;
        }
    }

    private String checkCertificate(String part, VerifiedJws jws, Instant genTime) {
        Object ocspParam = jws.param(ManagementRequests.OCSP_PARAM);
        if (!(ocspParam instanceof String ocspBase64) || ocspBase64.isEmpty()) {
            report.fail(part + ".ocsp", "the signature carries no OCSP response for its certificate");
            return null;
        }
        byte[] ocsp;
        try {
            ocsp = Base64.getDecoder().decode(ocspBase64);
        } catch (IllegalArgumentException e) {
            report.fail(part + ".ocsp", "the carried OCSP response is not base64");
            return null;
        }
        // Freshness and validity are judged at the time-stamp: the latest time the signature provably existed.
        CertificateValidator validator = new CertificateValidator(new CarriedOcspChecker(ocsp,
                new OcspResponseVerifier(provider, trust.ocspFreshness()), Clock.fixed(genTime, ZoneOffset.UTC)));
        try {
            ValidatedCertificate valid = validator.validate(jws.chain(), trust.approvedCas(), genTime,
                    CertificateProfile.SIGN);
            String member = valid.identity().format();
            report.fact(part + " signed by member " + member + " (" + valid.certificate().getSubjectX500Principal()
                    .getName() + "), OCSP good at " + valid.ocsp().thisUpdate());
            return member;
        } catch (CertificateValidationException e) {
            String sub = switch (e.reason()) {
                case REVOKED, STATUS_UNKNOWN, STATUS_UNAVAILABLE -> ".ocsp";
                default -> ".certificate";
            };
            report.fail(part + sub, "the signer's certificate was not acceptable at " + genTime + ": "
                    + e.getMessage());
            return null;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
