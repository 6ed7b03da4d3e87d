package org.xroadng.securityserver.log;

import org.xroadng.certs.token.TokenException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;

class MessageLogKeyTest {

    @TempDir
    Path dir;

    @Test
    void keyFromToken_isCreatedOnceAndLoadedAfterReopening() throws TokenException {
        Path file = dir.resolve("token.p12");
        BouncyCastleProvider bc = new BouncyCastleProvider();
        SecureRandom random = new SecureRandom();
        Clock clock = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
        SoftwareToken token = SoftwareToken.create(file, Pin.of("1234"), bc, random, clock);

        MessageLogKey created = MessageLogKey.fromToken(token, MessageLogKey.DEFAULT_ALIAS);
        MessageLogKey again = MessageLogKey.fromToken(token, MessageLogKey.DEFAULT_ALIAS);
        SoftwareToken reopened = SoftwareToken.open(file, Pin.of("1234"), bc, random, clock);
        MessageLogKey loaded = MessageLogKey.fromToken(reopened, MessageLogKey.DEFAULT_ALIAS);

        assertEquals(created, again);
        assertEquals(created, loaded);
        assertNotEquals(created, MessageLogKey.fromToken(reopened, "another"));
    }

    @Test
    void toString_revealsNoKeyMaterial() {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) 0xab;
        MessageLogKey key = MessageLogKey.of(bytes);

        assertFalse(key.toString().toLowerCase().contains(HexFormat.of().formatHex(bytes)));
        assertFalse(key.toString().contains("ab00"));
        assertTrue(key.toString().contains("****"));
    }

    @Test
    void shortKey_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MessageLogKey.of(new byte[16]));
        assertTrue(e.getMessage().contains("got 16"), e.getMessage());
    }
}
