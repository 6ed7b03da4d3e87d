package org.xroadng.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DigestsTest {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    @Test
    void digestsMatchTheStandardTestVectors() {
        // FIPS 180-2, appendix B.1 and C.1: the one-block message "abc"
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(Digests.sha256(ABC)));
        assertEquals("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                HexFormat.of().formatHex(Digests.sha512().digest(ABC)));
    }

    @Test
    void everyCallGivesItsOwnDigest() {
        MessageDigest first = Digests.sha256();
        MessageDigest second = Digests.sha256();
        assertNotSame(first, second);
        first.update("something else".getBytes(StandardCharsets.US_ASCII));
        second.update(ABC);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(second.digest()), "a digest in use elsewhere leaves a new one untouched");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(Digests.sha256().digest(ABC)), "a used digest leaves the next one fresh");
    }
}
