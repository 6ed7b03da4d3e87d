package org.xroadng.certs.tsa;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;

/** Names of the PKIFailureInfo bits RFC 3161 section 2.4.2 lets a TSA use, for messages. */
final class FailInfoNames {

    private static final int[] BITS = {
        PKIFailureInfo.badAlg, PKIFailureInfo.badRequest, PKIFailureInfo.badDataFormat,
        PKIFailureInfo.timeNotAvailable, PKIFailureInfo.unacceptedPolicy, PKIFailureInfo.unacceptedExtension,
        PKIFailureInfo.addInfoNotAvailable, PKIFailureInfo.systemFailure,
    };
    private static final String[] NAMES = {
        "badAlg", "badRequest", "badDataFormat", "timeNotAvailable", "unacceptedPolicy", "unacceptedExtension",
        "addInfoNotAvailable", "systemFailure",
    };

    private FailInfoNames() {
    }

    /** For example {@code "badAlg"}, {@code "none"}, or {@code "0x4"} for bits RFC 3161 does not name. */
    static String describe(int failInfo) {
        if (failInfo == 0) {
            return "none";
        }
        List<String> names = new ArrayList<>();
        int rest = failInfo;
        for (int i = 0; i < BITS.length; i++) {
            if ((failInfo & BITS[i]) != 0) {
                names.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) {
            names.add("0x" + Integer.toHexString(rest));
        }
        return String.join("|", names);
    }
}
