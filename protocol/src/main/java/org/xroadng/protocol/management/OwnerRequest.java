package org.xroadng.protocol.management;

import java.time.Instant;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * A management request a security server files about itself, signed by its owner member's signing
 * key alone (DESIGN.md section 5): taking a client off the server ({@code clientDeletion}),
 * suspending and resuming one ({@code clientDisable}, {@code clientEnable}), withdrawing an
 * authentication certificate ({@code authCertDeletion}) and moving the server
 * ({@code addressChange}). The X-Road management services protocol (PR-MSERV sections 2.2, 2.4,
 * 2.6 to 2.8) carries the same fields in SOAP; here each is a JSON payload signed as a JWS
 * ({@code x5c} = the owner's signing certificate chain, {@code ocsp} = its OCSP response).
 */
public sealed interface OwnerRequest permits ClientChangeRequest, AuthCertDeletionRequest, AddressChangeRequest {

    /** The wire type. */
    String type();

    /** The server the request is about; its owner must sign it. */
    SecurityServerId server();

    /** When the server made the request. */
    Instant requestedAt();
}
