package org.xroadng.certs.token;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a token tells about one of its keys: its id, public key and certificate chain. Before a
 * CA's certificate is imported, the chain is a single self-signed placeholder.
 */
public record TokenKey(String keyId, PublicKey publicKey, List<X509Certificate> chain) {

    public TokenKey {
        chain = List.copyOf(chain);
    }

    /** True once a certificate issued by a CA (not the placeholder) has been imported. */
    public boolean hasIssuedCertificate() {
        X509Certificate first = chain.get(0);
        return !first.getIssuerX500Principal().equals(first.getSubjectX500Principal())
                || chain.size() > 1;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
