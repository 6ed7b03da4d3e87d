package org.xroadng.protocol.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.nimbusds.jose.util.Base64;
import java.util.Objects;
import java.util.Set;
import org.xroadng.protocol.crypto.Digests;

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

    private static final java.util.Base64.Decoder URL_DECODER = java.util.Base64.getUrlDecoder();
    /** The base64url alphabet (RFC 4648 section 5), without padding, by byte value. */
    private static final boolean[] BASE64URL = base64UrlAlphabet();

    private final Provider provider;
    private final Map<List<Base64>, Signer> signers = new ConcurrentHashMap<>();
    private final Map<String, Header> headers = new ConcurrentHashMap<>();
    private volatile Header lastHeader;

    private final Set<String> understoodCritical;

    public JwsVerifier(Provider provider) {
        this(provider, Set.of());
    }

    /**
     * A verifier that accepts a {@code crit} header parameter (RFC 7515 section 4.1.11) listing only
     * names in {@code understoodCritical}: the caller promises to check those parameters itself.
     */
    public JwsVerifier(Provider provider, Set<String> understoodCritical) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.understoodCritical = Set.copyOf(understoodCritical);
    }

    public VerifiedJws verify(String compact) throws JwsVerificationException {
        if (compact == null || compact.isBlank()) {
            throw new JwsVerificationException("signature is missing; expected a compact JWS");
        }
        int first = compact.indexOf('.');
        int last = compact.lastIndexOf('.');
        if (first <= 0 || last == first || compact.indexOf('.', first + 1) != last) {
            throw new JwsVerificationException("signature is not a compact JWS: expected three base64url parts"
                    + " separated by dots");
        }
        // The ASCII form once: the header is matched, the signing input hashed and the parts decoded
        // from it, with no substring copies.
        byte[] ascii = compact.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length != compact.length()) {
            throw new JwsVerificationException("signature is not a compact JWS: it contains characters that"
                    + " are not base64url");
        }
        Header header = header(compact, ascii, first);
        if (!signatureValid(compact, ascii, last, header.signer().key())) {
            throw new JwsVerificationException("signature does not verify with the key of "
                    + header.signer().chain().get(0).getSubjectX500Principal());
        }
        byte[] payload = base64url(compact, ascii, first + 1, last);
        return new VerifiedJws(compact, header.header(), payload, header.signer().chain());
    }

    /**
     * A checked protected header and the signer it names; {@code ascii} is its encoded form when
     * that is pure base64url (then equal ASCII bytes mean an equal header), else null.
     */
    private record Header(JWSHeader header, Signer signer, byte[] ascii) {
    }

    /**
     * The protected header of {@code compact}, whose first dot is at {@code end}. A signer sends the
     * same header with every message until its OCSP response is renewed, so the last header seen is
     * compared byte for byte before anything is hashed or parsed.
     */
    private Header header(String compact, byte[] ascii, int end) throws JwsVerificationException {
        Header last = lastHeader;
        if (last != null && last.ascii() != null && Arrays.equals(last.ascii(), 0, last.ascii().length, ascii, 0, end)) {
            return last;
        }
        Header header = header(compact.substring(0, end));
        lastHeader = header;
        return header;
    }

    /**
     * The protected header, parsed and checked: ES256 only (checked before any cryptography), no
     * critical parameters (we understand none, RFC 7515 section 4.1.11), an {@code x5c} chain with a
     * P-256 key. Remembered by its encoded form: a signer sends the same header with every message
     * until its OCSP response is renewed.
     */
    private Header header(String encoded) throws JwsVerificationException {
        Header known = headers.get(encoded);
        if (known != null) {
            return known;
        }
        JWSHeader header;
        try {
            header = JWSHeader.parse(new Base64URL(encoded));
        } catch (ParseException e) {
            throw new JwsVerificationException("signature is not a compact JWS: " + e.getMessage());
        }
        JWSAlgorithm alg = header.getAlgorithm();
        if (!JWSAlgorithm.ES256.equals(alg)) {
            throw new JwsVerificationException("signature algorithm is " + alg + "; expected ES256");
        }
        if (header.getCriticalParams() != null && !understoodCritical.containsAll(header.getCriticalParams())) {
            throw new JwsVerificationException("signature marks " + header.getCriticalParams()
                    + " critical; " + (understoodCritical.isEmpty() ? "no critical header parameters are understood"
                    : "only " + understoodCritical + " are understood"));
        }
        if (header.getX509CertChain() == null || header.getX509CertChain().isEmpty()) {
            throw new JwsVerificationException("signature carries no x5c certificate chain");
        }
        Header parsed = new Header(header, signer(header.getX509CertChain()),
                isBase64Url(encoded, 0, encoded.length()) ? encoded.getBytes(StandardCharsets.US_ASCII) : null);
        if (headers.size() >= CACHE_LIMIT) {
            headers.clear();
        }
        headers.put(encoded, parsed);
        return parsed;
    }

    /**
     * RFC 7515 section 5.2 step 8 for ES256 (RFC 7518 section 3.4): the 64-byte R || S signature
     * over the ASCII signing input (everything before the last dot), checked through the configured
     * provider.
     */
    private boolean signatureValid(String compact, byte[] ascii, int lastDot, ECPublicKey key)
            throws JwsVerificationException {
        byte[] concat = base64url(compact, ascii, lastDot + 1, ascii.length);
        if (concat.length != 64) {
            return false;
        }
        try {
            // JDK SHA-256 (intrinsics) over the signing input, the provider's raw ECDSA over the hash:
            // the same check as SHA256withECDSA.
            java.security.MessageDigest sha256 = Digests.sha256();
            sha256.update(ascii, 0, lastDot);
            Signature signature = Signature.getInstance("NONEwithECDSA", provider);
            signature.initVerify(key);
            signature.update(sha256.digest());
            return signature.verify(ECDSA.transcodeSignatureToDER(concat));
        } catch (JOSEException | SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new JwsVerificationException("signature cannot be verified: " + e.getMessage(), e);
        }
    }

    /**
     * The base64url part {@code [from, to)} of {@code compact}: decoded by the JDK when it is strict
     * base64url (RFC 7515 section 2), otherwise as Nimbus decodes it, so that the same parts are
     * accepted as before.
     */
    private static byte[] base64url(String compact, byte[] ascii, int from, int to) {
        if (isBase64Url(ascii, from, to) && (to - from) % 4 != 1) {
            return URL_DECODER.decode(Arrays.copyOfRange(ascii, from, to));
        }
        return new Base64URL(compact.substring(from, to)).decode();
    }

    private static boolean[] base64UrlAlphabet() {
        boolean[] alphabet = new boolean[256];
        for (char c = 'A'; c <= 'Z'; c++) {
            alphabet[c] = true;
            alphabet[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            alphabet[c] = true;
        }
        alphabet['-'] = true;
        alphabet['_'] = true;
        return alphabet;
    }

    private static boolean isBase64Url(byte[] ascii, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!BASE64URL[ascii[i] & 0xff]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase64Url(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c > 0xff || !BASE64URL[c]) {
                return false;
            }
        }
        return true;
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
