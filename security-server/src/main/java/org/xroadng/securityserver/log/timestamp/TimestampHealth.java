package org.xroadng.securityserver.log.timestamp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the message log's records are being time-stamped (DESIGN.md section 6): when the last
 * batch was stamped and, if records are waiting and no TSA has stamped them since, since when
 * stamping has been failing.
 *
 * <p>Guarantee: {@link #check} refuses once stamping has been failing for longer than the
 * acceptable window ({@code acceptableTimestampFailureSeconds} of the global configuration, as last
 * read by the timestamper), measured on the injected clock, and lets messages through again as soon
 * as a batch is stamped. A window of 0 refuses from the first failed run. Failing means: a run found
 * unstamped records and could not stamp them; a run with nothing to stamp changes nothing.
 * Thread-safe: the timestamper reports, any thread checks.
 */
public final class TimestampHealth {

    private record State(Instant lastSuccess, Instant failingSince, String lastError, Duration acceptable) {
    }

    private final Clock clock;
    private final AtomicReference<State> state;

    /**
     * @param initialAcceptableFailure the window until the timestamper has read the global configuration
     */
    public TimestampHealth(Clock clock, Duration initialAcceptableFailure) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (initialAcceptableFailure == null || initialAcceptableFailure.isNegative()) {
            throw new IllegalArgumentException("acceptable timestamp failure is " + initialAcceptableFailure
                    + "; allowed: 0 or more");
        }
        this.state = new AtomicReference<>(new State(null, null, null, initialAcceptableFailure));
    }

    /**
     * Refuses a new message when stamping has failed for longer than the acceptable window.
     *
     * @throws TimestampingOverdueException naming since when stamping fails, the last success and
     *                                      the last error
     */
    public void check() throws TimestampingOverdueException {
        State s = state.get();
        if (s.failingSince() == null) {
            return;
        }
        Instant now = clock.instant();
        Duration failing = Duration.between(s.failingSince(), now);
        if (failing.compareTo(s.acceptable()) > 0) {
            throw new TimestampingOverdueException("the message log cannot time-stamp its records: timestamping has"
                    + " failed since " + s.failingSince() + " (" + failing.toSeconds() + " s; acceptable "
                    + s.acceptable().toSeconds() + " s by acceptableTimestampFailureSeconds); last success "
                    + (s.lastSuccess() == null ? "none since start" : s.lastSuccess().toString())
                    + "; last error: " + s.lastError()
                    + ". New messages are refused until an approved TSA answers and the backlog is stamped");
        }
    }

    /** When the last batch was stamped; empty if none since start. */
    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(state.get().lastSuccess());
    }

    /** Since when records wait and no TSA stamps them; empty while stamping works. */
    public Optional<Instant> failingSince() {
        return Optional.ofNullable(state.get().failingSince());
    }

    /** The window {@link #check} allows. */
    public Duration acceptableFailure() {
        return state.get().acceptable();
    }

    /** A batch was stamped at {@code at}: stamping works again. */
    void succeeded(Instant at) {
        state.updateAndGet(s -> new State(at, null, null, s.acceptable()));
    }

    /** Records were waiting at {@code at} and none could be stamped; keeps the first failure's time. */
    void failed(Instant at, String error) {
        state.updateAndGet(s -> new State(s.lastSuccess(), s.failingSince() == null ? at : s.failingSince(), error,
                s.acceptable()));
    }

    /** The window from the current global configuration. */
    void acceptableFailure(Duration window) {
        Objects.requireNonNull(window, "window");
        state.updateAndGet(s -> new State(s.lastSuccess(), s.failingSince(), s.lastError(), window));
    }
}
