package org.xroadng.protocol.jws;

import com.nimbusds.jose.JWSHeader;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A JWS whose signature verified against the first certificate of its {@code x5c} chain. Whether
 * that certificate is trusted is a separate question, answered by certificate validation.
 */
public record VerifiedJws(String compact, JWSHeader header, byte[] payload, List<X509Certificate> chain) {

    public VerifiedJws {
        chain = List.copyOf(chain);
    }

    public X509Certificate signer() {
        return chain.get(0);
    }

    /** A custom protected header parameter, or null. */
    public Object param(String name) {
        return header.getCustomParam(name);
    }
}
