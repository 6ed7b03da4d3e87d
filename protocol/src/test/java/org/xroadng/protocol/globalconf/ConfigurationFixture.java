package org.xroadng.protocol.globalconf;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.xroadng.protocol.globalconf.GlobalConfiguration.MemberClass;
import org.xroadng.protocol.globalconf.GlobalConfiguration.Settings;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;

/** Configuration signers, anchors, signed configurations and a clock that tests move by hand. */
final class ConfigurationFixture {

    static final Provider BC = new BouncyCastleProvider();
    static final String INSTANCE = "EE";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration LIFETIME = Duration.ofSeconds(600);

    private ConfigurationFixture() {
    }

    /** A configuration signing key with its self-signed certificate. */
    record Signer(KeyPair keys, X509Certificate certificate, JwsSigner jws) {

        static Signer create(String commonName) throws GeneralSecurityException, OperatorCreationException,
                java.io.IOException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            var holder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(T0.minus(Duration.ofDays(1))),
                    Date.from(T0.plus(Duration.ofDays(3650))), name, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(keys.getPrivate()));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
            JwsSigner jws = new JwsSigner(new JcaSigningKey(commonName, keys.getPrivate(), keys.getPublic(), BC),
                    List.of(certificate));
            return new Signer(keys, certificate, jws);
        }

        String base64Certificate() throws GeneralSecurityException {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        }

        Anchor anchor(String instance) throws GeneralSecurityException {
            return new Anchor(instance, URI.create("http://registry.example:8080/globalconf"), base64Certificate());
        }

        String sign(GlobalConfiguration configuration) throws SigningException {
            return GlobalConfigurationCodec.sign(configuration, jws);
        }
    }

    /** A configuration of {@link #INSTANCE} generated at {@code generatedAt}, valid for {@link #LIFETIME}. */
    static GlobalConfiguration configuration(long version, Instant generatedAt) {
        return configuration(INSTANCE, version, generatedAt, "Government");
    }

    static GlobalConfiguration configuration(String instance, long version, Instant generatedAt, String govDescription) {
        return new GlobalConfiguration(instance, version, generatedAt, generatedAt.plus(LIFETIME),
                List.of(new MemberClass("GOV", govDescription)), List.of(), List.of(), List.of(), List.of(), List.of(),
                new Settings(600, 14400));
    }

    /** A clock that stands still until a test moves it; safe to read from any thread. */
    static final class MutableClock extends Clock {

        private volatile Instant instant;

        MutableClock(Instant start) {
            this.instant = start;
        }

        void set(Instant to) {
            instant = to;
        }

        void advance(Duration by) {
            instant = instant.plus(by);
        }

        @Override
        public Instant instant() {
            return instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test clock is always UTC");
        }
    }
}
