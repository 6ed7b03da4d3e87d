package org.xroadng.securityserver.transport;

import java.security.cert.CertificateException;

/**
 * A TLS peer's certificate is refused (DESIGN.md section 6): {@link #reason()} names which rule it
 * broke, from a closed set, so refusals can be counted and their logging rate-limited per reason;
 * the message names the certificate and what was expected.
 */
public final class PeerRefusedException extends CertificateException {

    /** Why a peer was refused, as one short phrase for the log. */
    public enum Reason {
        NO_CERTIFICATE("no certificate presented"),
        NO_CONFIGURATION("no valid global configuration to check it against"),
        NOT_REGISTERED("certificate not registered for any security server"),
        UNTRUSTED("certificate not issued by an approved CA"),
        REVOKED("certificate revoked"),
        NOT_VALID_NOW("certificate expired or not yet valid"),
        STATUS_UNAVAILABLE("certificate status unavailable"),
        NOT_AUTH_CERTIFICATE("not an acceptable authentication certificate"),
        WRONG_SERVER("certificate registered for another security server"),
        WRONG_ADDRESS("server not registered at the address dialled");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public PeerRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
