package org.xroadng.protocol.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes compact ES256 JWS (RFC 7515, RFC 7518 section 3.4) with the signer's certificate chain in
 * {@code x5c}. The private key stays behind its {@link SigningKey}.
 */
public final class JwsSigner {

    private static final java.util.Base64.Encoder URL_ENCODER = java.util.Base64.getUrlEncoder().withoutPadding();
    /** The base64url length of a 64-byte ES256 signature (R || S). */
    private static final int SIGNATURE_CHARS = 86;

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

    /** The last encoded protected header (ASCII): it stays the same from message to message until its parameters change. */
    private volatile Map.Entry<List<Object>, byte[]> lastHeader;

    /**
     * Signs {@code payload} with the given extra protected header parameters. The compact form is
     * assembled in one ASCII buffer: header, payload, then the signature over what precedes it.
     */
    public String sign(byte[] payload, Map<String, Object> protectedParams) throws SigningException {
        return sign(payload, protectedParams, Set.of());
    }

    /**
     * Signs as {@link #sign(byte[], Map)}, listing {@code critical} (names among
     * {@code protectedParams}) in the {@code crit} header parameter (RFC 7515 section 4.1.11): a
     * verifier that does not understand them must refuse the JWS.
     */
    public String sign(byte[] payload, Map<String, Object> protectedParams, Set<String> critical)
            throws SigningException {
        if (!protectedParams.keySet().containsAll(critical)) {
            throw new IllegalArgumentException("critical parameters " + critical + " are not all among " + protectedParams.keySet());
        }
        byte[] header = encodedHeader(protectedParams, critical);
        byte[] encodedPayload = URL_ENCODER.encode(payload);
        int signingInput = header.length + 1 + encodedPayload.length;
        byte[] jws = new byte[signingInput + 1 + SIGNATURE_CHARS];
        System.arraycopy(header, 0, jws, 0, header.length);
        jws[header.length] = '.';
        System.arraycopy(encodedPayload, 0, jws, header.length + 1, encodedPayload.length);
        byte[] der = key.sign(jws, 0, signingInput);
        byte[] concat;
        try {
            concat = ECDSA.transcodeSignatureToConcat(der, 64);
        } catch (JOSEException e) {
            throw new SigningException("the signature made by key " + key.keyId() + " is not an ECDSA P-256 signature", e);
        }
        jws[signingInput] = '.';
        System.arraycopy(URL_ENCODER.encode(concat), 0, jws, signingInput + 1, SIGNATURE_CHARS);
        return new String(jws, StandardCharsets.US_ASCII);
    }

    private byte[] encodedHeader(Map<String, Object> protectedParams, Set<String> critical) {
        Map.Entry<List<Object>, byte[]> last = lastHeader;
        if (last != null && last.getKey().get(0).equals(protectedParams) && last.getKey().get(1).equals(critical)) {
            return last.getValue();
        }
        byte[] encoded = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .x509CertChain(x5c)
                .criticalParams(critical.isEmpty() ? null : critical)
                .customParams(protectedParams.isEmpty() ? null : protectedParams)
                .build()
                .toBase64URL()
                .toString()
                .getBytes(StandardCharsets.US_ASCII);
        lastHeader = Map.entry(List.of(Map.copyOf(protectedParams), Set.copyOf(critical)), encoded);
        return encoded;
    }

    public String sign(byte[] payload) throws SigningException {
        return sign(payload, Map.of());
    }
}
