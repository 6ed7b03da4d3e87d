package org.xroadng.certs.ca;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The CRLReason codes of RFC 5280 section 5.3.1 that an operator may give when revoking. */
public enum RevocationReason {

    UNSPECIFIED("unspecified", 0),
    KEY_COMPROMISE("keyCompromise", 1),
    CA_COMPROMISE("cACompromise", 2),
    AFFILIATION_CHANGED("affiliationChanged", 3),
    SUPERSEDED("superseded", 4),
    CESSATION_OF_OPERATION("cessationOfOperation", 5),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", 9);

    private final String rfcName;
    private final int code;

    RevocationReason(String rfcName, int code) {
        this.rfcName = rfcName;
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String rfcName() {
        return rfcName;
    }

    /** The reason with this RFC 5280 name (case-insensitive), for example {@code keyCompromise}. */
    public static RevocationReason parse(String name) {
        for (RevocationReason reason : values()) {
            if (reason.rfcName.equalsIgnoreCase(name)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown revocation reason '" + name + "'; expected one of "
                + Arrays.stream(values()).map(RevocationReason::rfcName).collect(Collectors.joining(", ")));
    }

    public static RevocationReason ofCode(int code) {
        for (RevocationReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        return UNSPECIFIED;
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
