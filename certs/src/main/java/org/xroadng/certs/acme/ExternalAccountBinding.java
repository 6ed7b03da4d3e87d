package org.xroadng.certs.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import java.text.ParseException;
import java.util.Optional;
import java.util.Set;
import org.xroadng.protocol.store.StoreException;

/**
 * Checks a newAccount request's {@code externalAccountBinding} (RFC 8555 section 7.3.4): a
 * flattened JWS, MAC-signed (HS256) with the EAB HMAC key, whose protected header names the EAB
 * key id as {@code kid} and the newAccount URL as {@code url} and carries no nonce, and whose
 * payload is the very account key the outer JWS carries. The key id must be one the CA operator
 * created and has not withdrawn; the account is then bound to that key id's member.
 */
final class ExternalAccountBinding {

    private ExternalAccountBinding() {
    }

    static AcmeStore.Eab verify(JsonNode binding, String newAccountUrl, ECKey accountKey, AcmeStore store)
            throws AcmeException, StoreException {
        if (!binding.isObject()) {
            throw malformed("externalAccountBinding must be a flattened JWS object");
        }
        for (String member : Set.of("protected", "payload", "signature")) {
            if (!binding.path(member).isTextual()) {
                throw malformed("externalAccountBinding lacks its '" + member + "' string");
            }
        }
        JWSObject jws;
        try {
            jws = new JWSObject(new Base64URL(binding.get("protected").asText()),
                    new Base64URL(binding.get("payload").asText()), new Base64URL(binding.get("signature").asText()));
        } catch (ParseException e) {
            throw malformed("externalAccountBinding's protected header is malformed: " + e.getMessage());
        }
        JWSHeader header = jws.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new AcmeException(AcmeError.BAD_SIGNATURE_ALGORITHM, "externalAccountBinding is signed with "
                    + header.getAlgorithm() + "; HS256 is expected");
        }
        if (header.getCustomParam("nonce") != null) {
            throw malformed("externalAccountBinding must not carry a nonce");
        }
        if (!newAccountUrl.equals(header.getCustomParam("url"))) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "externalAccountBinding's url must be " + newAccountUrl);
        }
        String kid = header.getKeyID();
        if (kid == null) {
            throw malformed("externalAccountBinding names no kid (the EAB key id)");
        }
        JWK bound;
        try {
            bound = JWK.parse(jws.getPayload().toString());
        } catch (ParseException e) {
            throw malformed("externalAccountBinding's payload is not a JWK: " + e.getMessage());
        }
        if (!(bound instanceof ECKey boundKey)
                || !AcmeServer.thumbprint(boundKey.toPublicJWK()).equals(AcmeServer.thumbprint(accountKey))) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "externalAccountBinding binds another key than the"
                    + " account's");
        }
        Optional<AcmeStore.Eab> eab = store.eab(kid);
        if (eab.isEmpty() || eab.get().revoked()) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "EAB key id " + AcmeServer.printable(kid)
                    + (eab.isEmpty() ? " is unknown to this CA" : " was withdrawn by the CA operator"));
        }
        boolean valid;
        try {
            valid = jws.verify(new MACVerifier(eab.get().hmacKey()));
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "externalAccountBinding's MAC does not verify with the"
                    + " HMAC key of EAB key id " + kid);
        }
        return eab.get();
    }

    private static AcmeException malformed(String detail) {
        return new AcmeException(AcmeError.MALFORMED, detail);
    }
}
