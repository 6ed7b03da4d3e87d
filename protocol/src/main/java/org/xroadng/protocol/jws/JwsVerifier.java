package org.xroadng.protocol.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.X509CertChainUtils;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.List;
import java.util.Objects;

/**
 * Verifies compact ES256 JWS whose signer certificate travels in {@code x5c} (RFC 7515 section
 * 4.1.6). Checks, in order: the form, the algorithm (ES256 only; {@code none}, HMAC and everything
 * else are refused before any cryptography), the presence of {@code x5c}, a P-256 key, then the
 * signature. It does not decide whether the certificate is trusted.
 */
public final class JwsVerifier {

    private final Provider provider;

    public JwsVerifier(Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    public VerifiedJws verify(String compact) throws JwsVerificationException {
        if (compact == null || compact.isBlank()) {
            throw new JwsVerificationException("signature is missing; expected a compact JWS");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(compact);
        } catch (ParseException e) {
            throw new JwsVerificationException("signature is not a compact JWS: " + e.getMessage());
        }
        JWSAlgorithm alg = jws.getHeader().getAlgorithm();
        if (!JWSAlgorithm.ES256.equals(alg)) {
            throw new JwsVerificationException("signature algorithm is " + alg + "; expected ES256");
        }
        if (jws.getHeader().getX509CertChain() == null || jws.getHeader().getX509CertChain().isEmpty()) {
            throw new JwsVerificationException("signature carries no x5c certificate chain");
        }
        List<X509Certificate> chain;
        try {
            chain = X509CertChainUtils.parse(jws.getHeader().getX509CertChain());
        } catch (ParseException e) {
            throw new JwsVerificationException("x5c certificate chain is malformed: " + e.getMessage());
        }
        if (!(chain.get(0).getPublicKey() instanceof ECPublicKey key)) {
            throw new JwsVerificationException("signer certificate key is "
                    + chain.get(0).getPublicKey().getAlgorithm() + "; expected an EC P-256 key");
        }
        try {
            ECDSAVerifier verifier = new ECDSAVerifier(key);
            verifier.getJCAContext().setProvider(provider);
            if (!jws.verify(verifier)) {
                throw new JwsVerificationException("signature does not verify with the key of "
                        + chain.get(0).getSubjectX500Principal());
            }
        } catch (JOSEException e) {
            throw new JwsVerificationException("signature cannot be verified: " + e.getMessage(), e);
        }
        return new VerifiedJws(compact, jws.getHeader(), jws.getPayload().toBytes(), chain);
    }
}
