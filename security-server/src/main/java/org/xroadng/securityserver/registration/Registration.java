package org.xroadng.securityserver.registration;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.xroadng.protocol.id.MemberId;
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

    /**
     * Files {@code clientDeletion}, {@code clientDisable} or {@code clientEnable} (the
     * {@link org.xroadng.protocol.management.ClientChangeRequest} types) for a client of this
     * server, signed by the server owner's signing key.
     */
    Filed changeClient(String type, SubsystemId client) throws RegistrationException;

    /**
     * Files {@code authCertDeletion} for one of this server's authentication certificates (the
     * current one when none is given), signed by the server owner's signing key.
     */
    Filed deleteAuthCertificate(Optional<X509Certificate> certificate) throws RegistrationException;

    /** Files {@code addressChange} to the given {@code host:port}, signed by the server owner's signing key. */
    Filed changeAddress(String address) throws RegistrationException;

    /**
     * Files {@code ownerChange} making {@code newOwner} the server's owner, signed by the new
     * owner's signing key (X-Road PR-MSERV section 2.5). The new owner must be a member other than
     * the current owner, with a subsystem registered as a client of this server and a signing
     * certificate here.
     */
    Filed changeOwner(MemberId newOwner) throws RegistrationException;
}
