package org.xroadng.securityserver.evidence;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.RecordFields;
import org.xroadng.securityserver.log.StoredExchange;
import org.xroadng.securityserver.log.timestamp.RecordStamp;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;

/**
 * Reads one exchange out of a message log as an {@link EvidenceBundle}: both messages with their
 * signatures and bodies, the fields their record hashes cover, and each record's time-stamp and
 * inclusion path; with the signed global configuration given by the caller.
 *
 * <p>Guarantees: it exports only an exchange whose two records are both time-stamped, and never
 * checks anything itself: the bundle holds what the log holds, for {@link EvidenceVerifier} to judge.
 */
public final class EvidenceExporter {

    private static final HexFormat HEX = HexFormat.of();

    private final H2MessageLog log;

    public EvidenceExporter(H2MessageLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The last exchange with {@code queryId} logged on {@code side} ({@code consumer} or
     * {@code provider}).
     *
     * @param configuration the signed global configuration (compact JWS) to include
     * @throws EvidenceExportException there is no such exchange, a record is not stamped yet, or the log cannot be read
     */
    public EvidenceBundle export(String queryId, String side, String configuration) throws EvidenceExportException {
        Objects.requireNonNull(configuration, "configuration");
        try {
            Optional<StoredExchange> found = log.find(queryId, side);
            if (found.isEmpty()) {
                throw new EvidenceExportException("no exchange with query id '" + queryId + "' in the " + side
                        + " side's message log");
            }
            StoredExchange stored = found.get();
            ExchangeRecord r = stored.exchange();
            EvidenceBundle.Exchange exchange = new EvidenceBundle.Exchange(r.side(), r.queryId(), r.requestId(),
                    r.client().format(), r.service().format(), r.method(), r.path(), r.userId(), r.issue(),
                    r.purpose(), r.subjects(), r.dataSubjects(), r.status(), r.at());
            return new EvidenceBundle(EvidenceBundle.FORMAT, EvidenceBundle.VERSION, exchange, configuration.strip(),
                    message(queryId, "request", stored.requestRecordId(), r.requestSignature(), r.requestBody()),
                    message(queryId, "response", stored.responseRecordId(), r.responseSignature(),
                            r.responseBody()));
        } catch (MessageLogException e) {
            throw new EvidenceExportException("cannot read exchange '" + queryId + "' from the message log: "
                    + e.getMessage(), e);
        }
    }

    private EvidenceBundle.Message message(String queryId, String kind, long recordId, String signature, byte[] body)
            throws MessageLogException, EvidenceExportException {
        RecordFields fields = log.fieldsOf(recordId).orElseThrow(() -> new EvidenceExportException("the " + kind
                + " record " + recordId + " of exchange '" + queryId + "' has disappeared from the message log"));
        Optional<RecordStamp> stamp = log.stampOf(recordId);
        if (stamp.isEmpty()) {
            throw new EvidenceExportException("the " + kind + " of exchange '" + queryId + "' (record " + recordId
                    + ") is not time-stamped yet; export it after the next timestamping run");
        }
        RecordStamp s = stamp.get();
        TimestampBatch b = s.batch();
        List<String> path = s.path().stream().map(HEX::formatHex).toList();
        EvidenceBundle.Batch batch = new EvidenceBundle.Batch(b.id(), HEX.formatHex(b.root()), b.size(),
                b.firstRecordId(), b.tsaUrl(), Base64.getEncoder().encodeToString(b.token()), b.genTime());
        return new EvidenceBundle.Message(recordId, signature == null ? "" : signature,
                Base64.getEncoder().encodeToString(body == null ? new byte[0] : body), fields.storedAt(),
                HEX.formatHex(fields.sealedBodySha256()), HEX.formatHex(fields.prevHash()),
                HEX.formatHex(s.recordHash()), new EvidenceBundle.Stamp(s.leafIndex(), path, batch));
    }
}
