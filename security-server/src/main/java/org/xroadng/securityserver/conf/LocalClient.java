package org.xroadng.securityserver.conf;

import java.util.Objects;
import java.util.Set;
import org.xroadng.protocol.id.SubsystemId;

/**
 * A subsystem hosted on this server and how its information system proves itself to the client
 * proxy: over plain HTTP (trusted network), or over HTTPS with one of the pinned IS certificates
 * (SHA-256 of the DER, lower-case hex).
 *
 * @param registered whether the registry approved the clientReg (it is in the global configuration)
 */
public record LocalClient(SubsystemId id, IsAuthentication authentication, Set<String> pinnedCertificateHashes,
                          boolean registered) {

    /** How an information system authenticates to the client proxy. */
    public enum IsAuthentication { HTTP, HTTPS }

    public LocalClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(authentication, "authentication");
        pinnedCertificateHashes = Set.copyOf(pinnedCertificateHashes);
    }
}
