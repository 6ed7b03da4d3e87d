package org.xroadng.securityserver.log;

import java.time.Instant;
import java.util.List;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.ClientId;

/**
 * One exchange as one server saw it, for the message log and the access log: who asked whom for
 * what, both signatures (each covers its body by digest) and the bodies, the data subjects named
 * by either side, and the outcome.
 *
 * @param side         {@code consumer} or {@code provider}
 * @param dataSubjects subjects named by the provider IS in {@code X-Road-Data-Subject}
 * @param restriction  for a restricted access (DESIGN.md section 7), its restriction; null otherwise
 */
public record ExchangeRecord(String side, String queryId, String requestId, ClientId client, ServiceId service,
                             String method, String path, String userId, String issue, String purpose,
                             List<String> subjects, List<String> dataSubjects, String requestSignature,
                             byte[] requestBody, String responseSignature, byte[] responseBody, int status,
                             Instant at, Restriction restriction) {

    /** An unrestricted exchange. */
    public ExchangeRecord(String side, String queryId, String requestId, ClientId client, ServiceId service,
                          String method, String path, String userId, String issue, String purpose,
                          List<String> subjects, List<String> dataSubjects, String requestSignature,
                          byte[] requestBody, String responseSignature, byte[] responseBody, int status, Instant at) {
        this(side, queryId, requestId, client, service, method, path, userId, issue, purpose, subjects, dataSubjects,
                requestSignature, requestBody, responseSignature, responseBody, status, at, null);
    }

    public ExchangeRecord {
        subjects = List.copyOf(subjects);
        dataSubjects = List.copyOf(dataSubjects);
    }
}
