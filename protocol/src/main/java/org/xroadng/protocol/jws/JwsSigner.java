package org.xroadng.protocol.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Makes compact ES256 JWS (RFC 7515, RFC 7518 section 3.4) with the signer's certificate chain in
 * {@code x5c}. The private key stays behind its {@link SigningKey}.
 */
public final class JwsSigner {

    private final SigningKey key;
    private final List<Base64> x5c;

    /**
     * @param chain the signing certificate first, then any intermediates; its first certificate's
     *              public key must be the key's
     */
    public JwsSigner(SigningKey key, List<X509Certificate> chain) {
        this.key = Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a signing certificate is required");
        }
        if (!chain.get(0).getPublicKey().equals(key.publicKey())) {
            throw new IllegalArgumentException("certificate " + chain.get(0).getSubjectX500Principal()
                    + " does not belong to key " + key.keyId());
        }
        List<Base64> encoded = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            try {
                encoded.add(Base64.encode(certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded", e);
            }
        }
        this.x5c = List.copyOf(encoded);
    }

    /** The last encoded protected header: it stays the same from message to message until its parameters change. */
    private volatile Map.Entry<Map<String, Object>, String> lastHeader;

    /** Signs {@code payload} with the given extra protected header parameters. */
    public String sign(byte[] payload, Map<String, Object> protectedParams) throws SigningException {
        String signingInput = encodedHeader(protectedParams) + "." + Base64URL.encode(payload);
        byte[] der = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        try {
            byte[] concat = ECDSA.transcodeSignatureToConcat(der, 64);
            return signingInput + "." + Base64URL.encode(concat);
        } catch (JOSEException e) {
            throw new SigningException("the signature made by key " + key.keyId() + " is not an ECDSA P-256 signature", e);
        }
    }

    private String encodedHeader(Map<String, Object> protectedParams) {
        Map.Entry<Map<String, Object>, String> last = lastHeader;
        if (last != null && last.getKey().equals(protectedParams)) {
            return last.getValue();
        }
        String encoded = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .x509CertChain(x5c)
                .customParams(protectedParams.isEmpty() ? null : protectedParams)
                .build()
                .toBase64URL()
                .toString();
        lastHeader = Map.entry(Map.copyOf(protectedParams), encoded);
        return encoded;
    }

    public String sign(byte[] payload) throws SigningException {
        return sign(payload, Map.of());
    }
}
