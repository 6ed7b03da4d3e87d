package org.xroadng.securityserver.transport;

import io.netty.handler.ssl.NotSslRecordException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports refused TLS handshakes as one line each, without a stack trace: "TLS handshake from
 * 10.0.0.5:51234 refused: certificate not issued by an approved CA (detail)". At most one line per
 * reason per {@code interval}; the refusals not written meanwhile are counted and the next line for
 * that reason says how many there were, so a peer retrying in a loop cannot flood the log.
 * Thread-safe; called from the event loops.
 */
public final class TlsRefusalLog {

    private static final Logger LOG = LoggerFactory.getLogger(TlsRefusalLog.class);
    private static final int MAX_DETAIL = 300;

    /** Handshakes failing for something other than a refused certificate. */
    private static final String OTHER = "handshake failed";

    private final Consumer<String> sink;
    private final Clock clock;
    private final long intervalMillis;
    private final Map<PeerRefusedException.Reason, Window> windows = new EnumMap<>(PeerRefusedException.Reason.class);
    private final Window other = new Window();
    private final LongAdder refused = new LongAdder();

    /** Per reason: when a line was last written and how many refusals went unwritten since. */
    private static final class Window {
        long lastWritten = Long.MIN_VALUE;
        long suppressed;
    }

    public TlsRefusalLog(Consumer<String> sink, Clock clock, Duration interval) {
        this.sink = sink;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
        for (PeerRefusedException.Reason reason : PeerRefusedException.Reason.values()) {
            windows.put(reason, new Window());
        }
    }

    /** Writes to this class's SLF4J logger at WARN, at most one line per reason every 10 s. */
    public static TlsRefusalLog toLogger(Clock clock) {
        return new TlsRefusalLog(LOG::warn, clock, Duration.ofSeconds(10));
    }

    /** Handshakes refused so far. */
    public long refused() {
        return refused.sum();
    }

    /** Records a failed handshake with {@code peer}; {@code cause} as the TLS layer reported it. */
    public void refused(SocketAddress peer, Throwable cause) {
        refused.increment();
        PeerRefusedException refusal = find(cause);
        Window window = refusal == null ? other : windows.get(refusal.reason());
        String reason = refusal == null ? OTHER : refusal.reason().text();
        long suppressed;
        long now = clock.millis();
        synchronized (window) {
            if (window.lastWritten != Long.MIN_VALUE && now - window.lastWritten < intervalMillis) {
                window.suppressed++;
                return;
            }
            window.lastWritten = now;
            suppressed = window.suppressed;
            window.suppressed = 0;
        }
        String line = "TLS handshake from " + address(peer) + (refusal == null ? " failed: " : " refused: ") + reason
                + " (" + detail(refusal, cause) + ")";
        if (suppressed > 0) {
            line += "; " + suppressed + " more refused for this reason in the previous " + intervalMillis / 1000
                    + " s were not logged";
        }
        sink.accept(line);
    }

    private static PeerRefusedException find(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof PeerRefusedException refusal) {
                return refusal;
            }
        }
        return null;
    }

    private static String detail(PeerRefusedException refusal, Throwable cause) {
        if (refusal != null) {
            return printable(refusal.getMessage());
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof NotSslRecordException) {
            return "not a TLS record";
        }
        return printable(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }

    /** The text on one line, printable, and short: it may come from the peer. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DETAIL));
        for (int i = 0; i < text.length() && out.length() < MAX_DETAIL; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return out.toString();
    }

    private static String address(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(peer);
    }
}
