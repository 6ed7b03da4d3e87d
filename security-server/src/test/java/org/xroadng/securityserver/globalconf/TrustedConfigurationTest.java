package org.xroadng.securityserver.globalconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/** The lookups worked out once per configuration answer as searches of the configuration would. */
class TrustedConfigurationTest {

    private static final SubsystemId TAX = SubsystemId.parse("DEMO/GOV/1002/tax");
    private static final SubsystemId LOANS = SubsystemId.parse("DEMO/COM/2001/loans");
    private static final SecurityServerId SS1 = SecurityServerId.parse("DEMO/GOV/1002/ss1");
    private static final SecurityServerId SS2 = SecurityServerId.parse("DEMO/GOV/1002/ss2");
    private static final SecurityServerId SS3 = SecurityServerId.parse("DEMO/COM/2001/ss3");

    private static X509Certificate certificate() throws SigningException {
        BouncyCastleProvider bc = new BouncyCastleProvider();
        KeyPair pair = Keys.generateP256(bc, new SecureRandom());
        return X509Issuer.selfSigned(new X500Name("CN=auth"), CertificateKind.CONFIGURATION_SIGN,
                new JcaSigningKey("k", pair.getPrivate(), pair.getPublic(), bc), Duration.ofDays(1),
                Clock.systemUTC(), new SecureRandom());
    }

    private static TrustedConfiguration of(List<GlobalConfiguration.SecurityServer> servers) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return TrustedConfiguration.of(new GlobalConfiguration("DEMO", 7, now, now.plusSeconds(600), List.of(),
                List.of(), servers, List.of(), List.of(), List.of(), new GlobalConfiguration.Settings(1800, 14400)),
                List.of());
    }

    @Test
    void serversHosting_areTheRegistrysOrder_eachOnce() {
        var ss2 = new GlobalConfiguration.SecurityServer(SS2, "h2:1", List.of(), List.of(TAX, TAX));
        var ss3 = new GlobalConfiguration.SecurityServer(SS3, "h3:1", List.of(), List.of(LOANS));
        var ss1 = new GlobalConfiguration.SecurityServer(SS1, "h1:1", List.of(), List.of(LOANS, TAX));
        TrustedConfiguration trusted = of(List.of(ss2, ss3, ss1));

        assertEquals(List.of(ss2, ss1), trusted.serversHosting(TAX));
        assertEquals(List.of(ss3, ss1), trusted.serversHosting(LOANS));
        assertEquals(List.of(), trusted.serversHosting(SubsystemId.parse("DEMO/GOV/1001/population")));
        assertEquals(Duration.ofSeconds(1800), trusted.ocspFreshness());
    }

    @Test
    void serverListedTwice_isAnsweredByItsFirstEntry() {
        var first = new GlobalConfiguration.SecurityServer(SS1, "h1:1", List.of(), List.of(TAX));
        var second = new GlobalConfiguration.SecurityServer(SS1, "h1:2", List.of(), List.of(LOANS));
        TrustedConfiguration trusted = of(List.of(first, second));

        assertEquals(Optional.of(first), trusted.securityServer(SS1));
        assertTrue(trusted.hosts(SS1, TAX));
        assertFalse(trusted.hosts(SS1, LOANS));
        assertFalse(trusted.hosts(SS2, TAX));
    }

    @Test
    void memberLevelClient_isTheOwnerTheConfigurationNames_notTheIdentifiersMember() {
        var handedOver = new GlobalConfiguration.SecurityServer(SS1, "h1:1", List.of(), List.of(TAX, LOANS),
                List.of(), MemberId.parse("DEMO/COM/2001"));
        var unchanged = new GlobalConfiguration.SecurityServer(SS2, "h2:1", List.of(), List.of(TAX));
        TrustedConfiguration trusted = of(List.of(handedOver, unchanged));

        assertEquals(Optional.of(MemberId.parse("DEMO/COM/2001")), trusted.ownerOf(SS1));
        assertTrue(trusted.hosts(SS1, MemberId.parse("DEMO/COM/2001")));
        assertFalse(trusted.hosts(SS1, MemberId.parse("DEMO/GOV/1002")));
        assertEquals(Optional.of(MemberId.parse("DEMO/GOV/1002")), trusted.ownerOf(SS2));
        assertTrue(trusted.hosts(SS2, MemberId.parse("DEMO/GOV/1002")));
        assertEquals(Optional.empty(), trusted.ownerOf(SS3));
    }

    @Test
    void authenticates_onlyWithACertificateRegisteredForThatServer() throws SigningException {
        X509Certificate registered = certificate();
        X509Certificate other = certificate();
        TrustedConfiguration trusted = of(List.of(
                new GlobalConfiguration.SecurityServer(SS1, "h1:1", List.of(AuthCertificateTrustManager.hash(registered)),
                        List.of(TAX)),
                new GlobalConfiguration.SecurityServer(SS2, "h2:1", List.of(), List.of(TAX))));

        assertTrue(trusted.authenticates(SS1, registered));
        assertTrue(trusted.authenticates(SS1, registered), "and again, from the remembered hash");
        assertFalse(trusted.authenticates(SS1, other));
        assertFalse(trusted.authenticates(SS2, registered));
        assertFalse(trusted.authenticates(SS3, registered));
        assertFalse(trusted.authenticates(SS1, null));
    }
}
