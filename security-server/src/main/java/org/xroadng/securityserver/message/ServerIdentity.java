package org.xroadng.securityserver.message;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509KeyManager;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.SigningKey;

/**
 * What the data plane needs of a server's keys: its identity, the authentication key for TLS, and
 * a signing key with certificate chain for each member whose subsystems it hosts. Private keys
 * stay in the token.
 */
public interface ServerIdentity {

    SecurityServerId serverId();

    /** Presents the auth key and certificate in TLS handshakes with other servers. */
    X509KeyManager authKeyManager();

    /** The member's signing key and certificate chain (signing certificate first), if this server holds one. */
    Optional<MemberKey> signingKey(MemberId member);

    /**
     * The member's certified signing keys, the newest certificate first: more than one while a
     * key is being rotated; signers use the first that can sign now
     * ({@link OwnOcspResponses#choose}).
     */
    default List<MemberKey> signingKeys(MemberId member) {
        return signingKey(member).stream().toList();
    }

    /** Every certificate this server signs or authenticates with, whose OCSP status it must keep fresh. */
    List<X509Certificate> ownCertificates();

    /**
     * A member's signing key and its CA-issued certificate chain, the signing certificate first:
     * what the message signers use, and what {@code ServerKeys} hands out for each certified key.
     */
    record MemberKey(MemberId member, SigningKey key, List<X509Certificate> chain) {
        public MemberKey {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("the signing key of " + member + " has no certificate chain");
            }
        }
    }
}
