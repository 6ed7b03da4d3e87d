package org.xroadng.securityserver.log;

/**
 * An exchange read back from the message log, bodies decrypted.
 *
 * @param requestRecordId  the id of the request's row
 * @param responseRecordId the id of the response's row ({@code requestRecordId + 1})
 * @param exchange         the exchange as appended; a missing body reads back as empty
 */
public record StoredExchange(long requestRecordId, long responseRecordId, ExchangeRecord exchange) {
}
