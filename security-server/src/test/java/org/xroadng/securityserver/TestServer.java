package org.xroadng.securityserver;

import java.security.KeyStoreException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateException;
import java.io.IOException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import org.xroadng.protocol.jws.SigningException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x509.GeneralName;
import org.xroadng.certs.Keys;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.IssuedCertificate;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.securityserver.message.ServerIdentity;

/** A security server's keys for tests: an auth key and member signing keys, certified by the test's real CA. */
final class TestServer implements ServerIdentity {

    private final SecurityServerId id;
    private final X509KeyManager keyManager;
    private final X509Certificate authCertificate;
    private final Map<MemberId, MemberKey> signingKeys = new HashMap<>();
    private final InetSocketAddress serverProxy;
    private final InetSocketAddress clientProxy;

    TestServer(SecurityServerId id, CertificateAuthority ca, Provider bc, SecureRandom random,
               InetSocketAddress serverProxy, InetSocketAddress clientProxy) throws CaException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this.id = id;
        this.serverProxy = serverProxy;
        this.clientProxy = clientProxy;
        KeyPair auth = Keys.generateP256(bc, random);
        IssuedCertificate authCert = issue(ca, new JcaSigningKey("auth", auth.getPrivate(), auth.getPublic(), bc),
                CertificateProfile.AUTH, id, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        this.authCertificate = authCert.certificate();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("auth", auth.getPrivate(), "pw".toCharArray(), new Certificate[] {authCertificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, "pw".toCharArray());
        this.keyManager = (X509KeyManager) factory.getKeyManagers()[0];
    }

    /** Generates a signing key for the member and has the CA certify it; returns the certificate. */
    IssuedCertificate addMember(MemberId member, CertificateAuthority ca, Provider bc, SecureRandom random) throws CaException, SigningException {
        KeyPair pair = Keys.generateP256(bc, random);
        SigningKey key = new JcaSigningKey("sign-" + member.format(), pair.getPrivate(), pair.getPublic(), bc);
        IssuedCertificate cert = issue(ca, key, CertificateProfile.SIGN, member, List.of());
        signingKeys.put(member, new MemberKey(member, key, List.of(cert.certificate())));
        return cert;
    }

    /** Has the CA certify {@code key} (made in a token of the test's choosing) as the member's signing key. */
    IssuedCertificate addMember(MemberId member, CertificateAuthority ca, SigningKey key) throws CaException,
            SigningException {
        IssuedCertificate cert = issue(ca, key, CertificateProfile.SIGN, member, List.of());
        signingKeys.put(member, new MemberKey(member, key, List.of(cert.certificate())));
        return cert;
    }

    private static IssuedCertificate issue(CertificateAuthority ca, SigningKey key, CertificateProfile profile,
                                           org.xroadng.protocol.id.XRoadId identity, List<GeneralName> hosts)
 throws CaException, SigningException {
        byte[] csr = Pem.encode(CsrBuilder.build(key, profile, identity, hosts)).getBytes(StandardCharsets.US_ASCII);
        return ca.issue(new IssueRequest(csr, profile, identity, List.of(), null));
    }

    X509Certificate authCertificate() {
        return authCertificate;
    }

    InetSocketAddress serverProxy() {
        return serverProxy;
    }

    InetSocketAddress clientProxy() {
        return clientProxy;
    }

    @Override
    public SecurityServerId serverId() {
        return id;
    }

    @Override
    public X509KeyManager authKeyManager() {
        return keyManager;
    }

    @Override
    public Optional<MemberKey> signingKey(MemberId member) {
        return Optional.ofNullable(signingKeys.get(member));
    }

    @Override
    public List<X509Certificate> ownCertificates() {
        List<X509Certificate> all = new ArrayList<>();
        all.add(authCertificate);
        signingKeys.values().forEach(k -> all.add(k.chain().get(0)));
        return all;
    }
}
