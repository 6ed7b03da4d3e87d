package org.xroadng.protocol.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.security.SignatureException;
import com.nimbusds.jose.util.X509CertChainUtils;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.nimbusds.jose.util.Base64;
import java.util.Objects;

/**
 * Verifies compact ES256 JWS whose signer certificate travels in {@code x5c} (RFC 7515 section
 * 4.1.6). Checks, in order: the form, the algorithm (ES256 only; {@code none}, HMAC and everything
 * else are refused before any cryptography), the presence of {@code x5c}, a P-256 key, then the
 * signature. It does not decide whether the certificate is trusted.
 */
public final class JwsVerifier {

    /** Parsed chains and their verifiers, by the encoded chain: peers sign with few certificates. */
    private static final int CACHE_LIMIT = 1024;

    private record Signer(List<X509Certificate> chain, ECPublicKey key) {
    }

    private final Provider provider;
    private final Map<List<Base64>, Signer> signers = new ConcurrentHashMap<>();

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
        Signer signer = signer(jws.getHeader().getX509CertChain());
        if (!signatureValid(compact, signer.key())) {
            throw new JwsVerificationException("signature does not verify with the key of "
                    + signer.chain().get(0).getSubjectX500Principal());
        }
        List<X509Certificate> chain = signer.chain();
        return new VerifiedJws(compact, jws.getHeader(), jws.getPayload().toBytes(), chain);
    }

    /**
     * RFC 7515 section 5.2 step 8 for ES256 (RFC 7518 section 3.4): the 64-byte R || S signature
     * over the ASCII signing input, checked through the configured provider.
     */
    private boolean signatureValid(String compact, ECPublicKey key) throws JwsVerificationException {
        int lastDot = compact.lastIndexOf('.');
        byte[] concat = new Base64URL(compact.substring(lastDot + 1)).decode();
        if (concat.length != 64) {
            return false;
        }
        try {
            // JDK SHA-256 (intrinsics) over the signing input, the provider's raw ECDSA over the hash:
            // the same check as SHA256withECDSA.
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(compact.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
            Signature signature = Signature.getInstance("NONEwithECDSA", provider);
            signature.initVerify(key);
            signature.update(hash);
            return signature.verify(ECDSA.transcodeSignatureToDER(concat));
        } catch (JOSEException | SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new JwsVerificationException("signature cannot be verified: " + e.getMessage(), e);
        }
    }

    private static String curveName(ECPublicKey key) {
        com.nimbusds.jose.jwk.Curve curve = com.nimbusds.jose.jwk.Curve.forECParameterSpec(key.getParams());
        return curve == null ? "unknown" : curve.getStdName();
    }

    private Signer signer(List<Base64> x5c) throws JwsVerificationException {
        Signer cached = signers.get(x5c);
        if (cached != null) {
            return cached;
        }
        List<X509Certificate> chain;
        try {
            chain = X509CertChainUtils.parse(x5c);
        } catch (ParseException e) {
            throw new JwsVerificationException("x5c certificate chain is malformed: " + e.getMessage());
        }
        if (!(chain.get(0).getPublicKey() instanceof ECPublicKey key)) {
            throw new JwsVerificationException("signer certificate key is "
                    + chain.get(0).getPublicKey().getAlgorithm() + "; expected an EC P-256 key");
        }
        if (key.getParams().getOrder().bitLength() != 256 || !"secp256r1".equals(curveName(key))) {
            throw new JwsVerificationException("signer certificate key is not on curve P-256");
        }
        // Re-create the key under the verifying provider once: converting a JDK key on every
        // verification (and validating its point) costs more than the verification itself.
        ECPublicKey providerKey;
        try {
            providerKey = (ECPublicKey) KeyFactory.getInstance("EC", provider)
                    .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new JwsVerificationException("signer certificate key cannot be used: " + e.getMessage(), e);
        }
        Signer signer = new Signer(List.copyOf(chain), providerKey);
        if (signers.size() >= CACHE_LIMIT) {
            signers.clear();
        }
        signers.put(List.copyOf(x5c), signer);
        return signer;
    }
}
