package org.xroadng.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.SigningKey;

/** A root CA made in the test, and certificates of any kind issued by it. */
public final class TestPki {

    public final Provider bc = new BouncyCastleProvider();
    public final SecureRandom random = new SecureRandom();
    public final Clock clock;
    public final Issued ca;
    public final X509Issuer issuer;

    /** A key, its signer and its certificate. */
    public record Issued(KeyPair keys, SigningKey key, X509Certificate cert) {
    }

    private TestPki(Clock clock, String name) {
        this.clock = clock;
        KeyPair keys = Keys.generateP256(bc, random);
        SigningKey key = new JcaSigningKey("ca", keys.getPrivate(), keys.getPublic(), bc);
        X509Certificate cert = X509Issuer.selfSignedRoot(new X500Name("CN=" + name), key, Duration.ofDays(3650),
                clock, random);
        this.ca = new Issued(keys, key, cert);
        this.issuer = new X509Issuer(cert, key, clock, random);
    }

    public static TestPki create(Clock clock) {
        return new TestPki(clock, "Test Root CA");
    }

    public static TestPki create(Clock clock, String name) {
        return new TestPki(clock, name);
    }

    public Issued issue(String commonName, CertificateKind kind, List<GeneralName> sans, String ocspUrl) {
        return issue(commonName, kind, sans, ocspUrl, Duration.ofDays(365));
    }

    public Issued issue(String commonName, CertificateKind kind, List<GeneralName> sans, String ocspUrl,
                        Duration validity) {
        KeyPair keys = Keys.generateP256(bc, random);
        SigningKey key = new JcaSigningKey(commonName, keys.getPrivate(), keys.getPublic(), bc);
        X509Certificate cert = issuer.issue(new X500Name("CN=" + commonName), keys.getPublic(), kind, validity,
                sans, ocspUrl);
        return new Issued(keys, key, cert);
    }

    public static Path writePem(Path dir, String fileName, Object... values) {
        try {
            Path file = dir.resolve(fileName);
            Files.writeString(file, Pem.encodeAll(List.of(values)));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
