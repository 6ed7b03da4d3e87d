package org.xroadng.auditlog.portal;

import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * Where the portal gets a security server's access-log answer for a subject: the reserved
 * {@code accessLog} service of a subsystem the server hosts (DESIGN.md section 7).
 * {@link HttpAccessLogSource} calls it through the portal's own security server.
 *
 * <p>Nothing is guaranteed about the answer: {@link AnswerVerifier} checks it. An implementation
 * may block; the caller bounds it with a timeout and may interrupt it.
 */
@FunctionalInterface
public interface AccessLogSource {

    /**
     * The answer of {@code server} for {@code subject}, asked through the service of {@code target},
     * a subsystem that server hosts.
     */
    AccessLogAnswer fetch(SecurityServerId server, SubsystemId target, PersonalCode subject)
            throws AccessLogSourceException;
}
