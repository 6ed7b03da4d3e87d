package org.xroadng.certs.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Set;

/**
 * A request body as RFC 8555 section 6.2 requires it: a flattened JWS JSON serialization whose
 * protected header carries {@code alg} (ES256 only here), {@code nonce}, {@code url} and exactly one
 * of {@code jwk} (newAccount) or {@code kid} (every other request). {@link #parse} checks the form
 * and the header; the signature is checked by {@link #verify} once the key is known (the account's
 * key for a {@code kid}). The payload is empty for a POST-as-GET (section 6.3).
 */
final class SignedRequest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MEMBERS = Set.of("protected", "payload", "signature");

    private final JWSObject jws;
    private final String nonce;
    private final String url;
    private final ECKey jwk;
    private final String kid;

    private SignedRequest(JWSObject jws, String nonce, String url, ECKey jwk, String kid) {
        this.jws = jws;
        this.nonce = nonce;
        this.url = url;
        this.jwk = jwk;
        this.kid = kid;
    }

    static SignedRequest parse(byte[] body) throws AcmeException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new AcmeException(AcmeError.MALFORMED, "the request body is not JSON: a flattened JWS"
                    + " {\"protected\", \"payload\", \"signature\"} is expected (RFC 8555 section 6.2)");
        }
        if (root == null || !root.isObject()) {
            throw new AcmeException(AcmeError.MALFORMED, "the request body must be a JSON object (a flattened JWS)");
        }
        for (var names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MEMBERS.contains(name)) {
                throw new AcmeException(AcmeError.MALFORMED, "the JWS has member '" + name
                        + "'; only protected, payload and signature are allowed (no unprotected header)");
            }
        }
        for (String member : MEMBERS) {
            JsonNode node = root.get(member);
            if (node == null || node.getNodeType() != JsonNodeType.STRING) {
                throw new AcmeException(AcmeError.MALFORMED, "the JWS lacks its '" + member + "' string");
            }
        }
        JWSObject jws;
        try {
            jws = new JWSObject(new Base64URL(root.get("protected").asText()), new Base64URL(root.get("payload").asText()),
                    new Base64URL(root.get("signature").asText()));
        } catch (ParseException e) {
            throw new AcmeException(AcmeError.MALFORMED, "the JWS protected header is malformed: " + e.getMessage());
        }
        JWSHeader header = jws.getHeader();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new AcmeException(AcmeError.BAD_SIGNATURE_ALGORITHM, "the JWS is signed with " + header.getAlgorithm()
                    + "; this server accepts ES256 only");
        }
        Object nonce = header.getCustomParam("nonce");
        Object url = header.getCustomParam("url");
        if (!(nonce instanceof String n) || n.isEmpty()) {
            throw new AcmeException(AcmeError.BAD_NONCE, "the JWS protected header has no nonce; get one from newNonce");
        }
        if (!(url instanceof String u) || u.isEmpty()) {
            throw new AcmeException(AcmeError.MALFORMED, "the JWS protected header has no url");
        }
        JWK jwk = header.getJWK();
        String kid = header.getKeyID();
        if ((jwk == null) == (kid == null)) {
            throw new AcmeException(AcmeError.MALFORMED, "the JWS protected header must carry exactly one of jwk and kid");
        }
        ECKey ecKey = null;
        if (jwk != null) {
            if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
                throw new AcmeException(AcmeError.BAD_PUBLIC_KEY, "the account key must be an EC P-256 key (ES256)");
            }
            if (ec.isPrivate()) {
                throw new AcmeException(AcmeError.BAD_PUBLIC_KEY, "the jwk carries a private key; send the public key only");
            }
            ecKey = ec;
        }
        return new SignedRequest(jws, (String) nonce, (String) url, ecKey, kid);
    }

    /** Checks the signature with the account key; a signature that does not verify is refused. */
    void verify(ECKey key) throws AcmeException {
        boolean valid;
        try {
            valid = jws.verify(new ECDSAVerifier(key));
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw new AcmeException(AcmeError.MALFORMED, "the JWS signature does not verify with the account key");
        }
    }

    String nonce() {
        return nonce;
    }

    String url() {
        return url;
    }

    /** The key in the header; null when the request names an account by kid. */
    ECKey jwk() {
        return jwk;
    }

    String kid() {
        return kid;
    }

    boolean postAsGet() {
        return jws.getPayload().toBase64URL().toString().isEmpty();
    }

    /** The payload as a JSON object; a POST-as-GET or a payload of another shape is refused. */
    JsonNode payload() throws AcmeException {
        String text = jws.getPayload().toString();
        try {
            JsonNode node = JSON.readTree(text.getBytes(StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new AcmeException(AcmeError.MALFORMED, "the JWS payload must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new AcmeException(AcmeError.MALFORMED, "the JWS payload is not JSON: " + e.getMessage());
        }
    }
}
