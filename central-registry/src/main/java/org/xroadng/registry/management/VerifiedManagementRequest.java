package org.xroadng.registry.management;

import java.time.Instant;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * A management request whose signatures verified, whose signer certificates chain to an approved
 * CA with a fresh {@code good} OCSP status, and whose signers are the parties the request speaks
 * for (see {@link ManagementRequestVerifier}). Whether the registry's state allows it (the member
 * exists, the server is registered, it is no duplicate) is not decided here.
 */
public sealed interface VerifiedManagementRequest
        permits VerifiedAuthCertReg, VerifiedClientReg, VerifiedOwnerRequest, VerifiedOwnerChange {

    /** The wire type, such as {@code authCertReg} or {@code clientReg}. */
    String type();

    /** The security server the request is about. */
    SecurityServerId server();

    /** The member whose signing key signed the request. */
    MemberId signer();

    /** When the filing server made the request, as it said. */
    Instant requestedAt();
}
