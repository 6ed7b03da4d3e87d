package org.xroadng.securityserver.evidence;

import java.util.List;
import java.util.Objects;

/**
 * What {@link EvidenceVerifier} concluded about a bundle: every part that failed, each with what
 * was expected and what was found, and the facts established by the parts that passed.
 *
 * @param failures empty exactly when the whole bundle verified
 * @param facts    what the verified parts prove, one line each (signers, time-stamps)
 */
public record EvidenceVerification(List<Failure> failures, List<String> facts) {

    public EvidenceVerification {
        failures = List.copyOf(failures);
        facts = List.copyOf(facts);
    }

    /**
     * One failed part.
     *
     * @param part   where in the bundle, such as {@code request.body}, {@code response.requestHash},
     *               {@code request.inclusionPath}, {@code request.timestamp.token} or {@code configuration}
     * @param reason what was expected and what was found
     */
    public record Failure(String part, String reason) {
        public Failure {
            Objects.requireNonNull(part, "part");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return part + ": " + reason;
        }
    }

    /** Whether every part verified. */
    public boolean valid() {
        return failures.isEmpty();
    }

    /** The names of the failed parts, in the order found. */
    public List<String> failedParts() {
        return failures.stream().map(Failure::part).distinct().toList();
    }
}
