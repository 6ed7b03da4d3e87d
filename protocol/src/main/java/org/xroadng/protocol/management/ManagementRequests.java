package org.xroadng.protocol.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Builds the signed wire form of management requests, as a security server files them at
 * {@code POST /management/requests} (body: the compact JWS, {@code Content-Type: application/jose}).
 */
public final class ManagementRequests {

    /** Protected header parameter carrying the signer certificate's OCSP response, base64 DER. */
    public static final String OCSP_PARAM = "ocsp";

    private ManagementRequests() {
    }

    /**
     * @param authSigner  signs with the new auth key; its chain starts with the auth certificate
     * @param authOcsp    DER OCSP response for the auth certificate
     * @param ownerSigner signs with the owner's signing key
     * @param ownerOcsp   DER OCSP response for the owner's signing certificate
     */
    public static String authCertReg(AuthCertRegRequest request, JwsSigner authSigner, byte[] authOcsp,
                                     JwsSigner ownerSigner, byte[] ownerOcsp) throws SigningException {
        String proofOfPossession = authSigner.sign(json(request), ocsp(authOcsp));
        return ownerSigner.sign(proofOfPossession.getBytes(StandardCharsets.US_ASCII), ocsp(ownerOcsp));
    }

    /** A {@code clientReg} signed by the client member's signing key. */
    public static String clientReg(ClientRegRequest request, JwsSigner memberSigner, byte[] memberOcsp)
            throws SigningException {
        return memberSigner.sign(json(request), ocsp(memberOcsp));
    }

    /** A request about the server itself, signed by the server owner's signing key. */
    public static String ownerRequest(OwnerRequest request, JwsSigner ownerSigner, byte[] ownerOcsp)
            throws SigningException {
        return ownerSigner.sign(json(request), ocsp(ownerOcsp));
    }

    /** An {@code ownerChange} signed by the new owner member's signing key (PR-MSERV section 2.5). */
    public static String ownerChange(OwnerChangeRequest request, JwsSigner newOwnerSigner, byte[] newOwnerOcsp)
            throws SigningException {
        return newOwnerSigner.sign(json(request), ocsp(newOwnerOcsp));
    }

    private static Map<String, Object> ocsp(byte[] der) {
        return Map.of(OCSP_PARAM, Base64.getEncoder().encodeToString(der));
    }

    private static byte[] json(Object payload) {
        try {
            return ProtocolJson.mapper().writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request cannot be written as JSON", e);
        }
    }
}
