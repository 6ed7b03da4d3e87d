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
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
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
    /** Each authentication key's JSSE manager, by its alias ({@code auth-1}, {@code auth-2}, ...). */
    private final Map<String, X509ExtendedKeyManager> authKeys = new ConcurrentHashMap<>();
    private final Map<X509Certificate, String> authAliases = new ConcurrentHashMap<>();
    private final X509KeyManager keyManager = new PresentedAuthKey();
    private volatile String authAlias;
    private volatile X509Certificate authCertificate;
    private final Map<MemberId, MemberKey> signingKeys = new HashMap<>();
    private final InetSocketAddress serverProxy;
    private final InetSocketAddress clientProxy;

    TestServer(SecurityServerId id, CertificateAuthority ca, Provider bc, SecureRandom random,
               InetSocketAddress serverProxy, InetSocketAddress clientProxy) throws CaException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this.id = id;
        this.serverProxy = serverProxy;
        this.clientProxy = clientProxy;
        presentAuthKey(addAuthKey(ca, bc, random));
    }

    /**
     * Generates another authentication key and has the CA certify it; the server goes on presenting
     * the current one until {@link #presentAuthKey} (as a real server does until the new
     * certificate is registered). Returns the new certificate.
     */
    X509Certificate addAuthKey(CertificateAuthority ca, Provider bc, SecureRandom random) throws CaException,
            CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException,
            UnrecoverableKeyException {
        String alias = "auth-" + (authKeys.size() + 1);
        KeyPair auth = Keys.generateP256(bc, random);
        X509Certificate certificate = issue(ca, new JcaSigningKey(alias, auth.getPrivate(), auth.getPublic(), bc),
                CertificateProfile.AUTH, id, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))).certificate();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, auth.getPrivate(), "pw".toCharArray(), new Certificate[] {certificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, "pw".toCharArray());
        authKeys.put(alias, (X509ExtendedKeyManager) factory.getKeyManagers()[0]);
        authAliases.put(certificate, alias);
        return certificate;
    }

    /** Presents {@code certificate} (made by {@link #addAuthKey}) in every TLS handshake from now on. */
    void presentAuthKey(X509Certificate certificate) {
        String alias = authAliases.get(certificate);
        if (alias == null) {
            throw new IllegalArgumentException("not an authentication certificate of " + id.format());
        }
        authAlias = alias;
        authCertificate = certificate;
    }

    /**
     * Presents the authentication key chosen at the moment of each handshake. An alias it hands out
     * is the key's alias, '|' and the alias of that key's own manager, so a handshake finishes with
     * the key it began with.
     */
    private final class PresentedAuthKey extends X509ExtendedKeyManager {

        private static String ours(String key, String inner) {
            return inner == null ? null : key + "|" + inner;
        }

        private X509ExtendedKeyManager manager(String alias) {
            int at = alias == null ? -1 : alias.indexOf('|');
            return at < 0 ? null : authKeys.get(alias.substring(0, at));
        }

        private static String inner(String alias) {
            return alias.substring(alias.indexOf('|') + 1);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            String key = authAlias;
            String[] inner = authKeys.get(key).getClientAliases(keyType, issuers);
            return inner == null ? null : java.util.Arrays.stream(inner).map(a -> ours(key, a)).toArray(String[]::new);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            String key = authAlias;
            return ours(key, authKeys.get(key).chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            String key = authAlias;
            return ours(key, authKeys.get(key).chooseEngineClientAlias(keyType, issuers, engine));
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            String key = authAlias;
            String[] inner = authKeys.get(key).getServerAliases(keyType, issuers);
            return inner == null ? null : java.util.Arrays.stream(inner).map(a -> ours(key, a)).toArray(String[]::new);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            String key = authAlias;
            return ours(key, authKeys.get(key).chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            String key = authAlias;
            return ours(key, authKeys.get(key).chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            X509ExtendedKeyManager manager = manager(alias);
            return manager == null ? null : manager.getCertificateChain(inner(alias));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            X509ExtendedKeyManager manager = manager(alias);
            return manager == null ? null : manager.getPrivateKey(inner(alias));
        }
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
