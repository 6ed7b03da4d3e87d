package org.xroadng.securityserver.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.handler.codec.DecoderException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsRefusalLogTest {

    private final List<String> lines = new ArrayList<>();
    private final long[] now = {1_000_000};
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now[0]);
        }
    };
    private final TlsRefusalLog log = new TlsRefusalLog(lines::add, clock, Duration.ofSeconds(10));
    private final InetSocketAddress peer = new InetSocketAddress("10.0.0.5", 51234);

    private static Throwable untrusted() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX failure");
        handshake.initCause(new PeerRefusedException(PeerRefusedException.Reason.UNTRUSTED,
                "peer authentication certificate is not acceptable: CN=x is not issued by an approved CA"));
        return new DecoderException(handshake);
    }

    @Test
    void refusal_isOneLineNamingPeerAndReason() {
        log.refused(peer, untrusted());

        assertEquals(List.of("TLS handshake from 10.0.0.5:51234 refused: certificate not issued by an approved CA"
                + " (peer authentication certificate is not acceptable: CN=x is not issued by an approved CA)"), lines);
        assertFalse(lines.get(0).contains("\n"));
    }

    @Test
    void repeatedRefusals_areRateLimitedPerReason_withTheSuppressedCount() {
        for (int i = 0; i < 50; i++) {
            log.refused(peer, untrusted());
            now[0] += 100;
        }
        log.refused(peer, new PeerRefusedException(PeerRefusedException.Reason.NOT_REGISTERED, "CN=y not registered"));
        assertEquals(2, lines.size(), "one line per reason within the interval: " + lines);

        now[0] += 10_000;
        log.refused(peer, untrusted());

        assertEquals(3, lines.size());
        assertEquals(true, lines.get(2).endsWith("; 49 more refused for this reason in the previous 10 s were not logged"),
                lines.get(2));
        assertEquals(52, log.refused());
    }

    @Test
    void otherHandshakeFailure_isOneShortPrintableLine() {
        log.refused(peer, new DecoderException(new io.netty.handler.ssl.NotSslRecordException("not an SSL/TLS record: "
                + "474554202f20485454502f312e310d0a".repeat(100))));
        log.refused(new InetSocketAddress("10.0.0.6", 1), new SSLHandshakeException("bad\r\nforged line"));

        assertEquals("TLS handshake from 10.0.0.5:51234 failed: handshake failed (not a TLS record)", lines.get(0));
        assertEquals(1, lines.size(), "the same reason, rate-limited");
    }
}
