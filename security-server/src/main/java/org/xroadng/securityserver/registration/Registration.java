package org.xroadng.securityserver.registration;

import org.xroadng.protocol.id.SubsystemId;

/**
 * Files this server's management requests with the central registry (DESIGN.md section 5).
 * {@link Registrar} is the HTTP implementation.
 */
public interface Registration {

    /** What the registry answered to a filed request. */
    record Filed(long id, String type, String status) {
    }

    /** Files {@code authCertReg} for this server's address and authentication certificate. */
    Filed register() throws RegistrationException;

    /** Files {@code clientReg} for a client of this server, signed by its member's signing key. */
    Filed registerClient(SubsystemId client) throws RegistrationException;
}
