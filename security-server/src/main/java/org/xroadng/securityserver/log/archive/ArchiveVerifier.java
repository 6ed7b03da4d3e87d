package org.xroadng.securityserver.log.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.certs.tsa.TimestampVerifier;
import org.xroadng.securityserver.log.LogRow;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;

/**
 * Checks a whole message log archive directory (written by {@link MessageLogArchiver}) without the
 * database or the message log key, and reports the first failure naming the file and record.
 *
 * <p>Checks, in order: the files are numbered 1..n without gaps; per file, in sequence: it parses
 * as a complete version 1 file ({@link ArchiveCodec}), its header's sequence equals its name's,
 * its previous-file digest equals the SHA-256 of the previous file's bytes (zeros for file 1);
 * batch ids and record ids continue without gaps across files from batch 1 and record 1; each
 * record's prev hash equals the previous record's hash (32 zero bytes for record 1), its fields
 * hash to its stored record hash ({@link LogRow#recordHash()}), it sits in its batch at leaf
 * {@code id - firstRecordId}, and its inclusion path leads from {@code SHA-256(0x00 || record
 * hash)} to the batch root (RFC 9162 section 2.1.3.2, {@link ProofVerifier}); when TSA
 * certificates are given, each batch's token is an RFC 3161 token over its root by one of them
 * ({@link TimestampVerifier}). Finally, when the database's first remaining record is given, its
 * prev hash must equal the last archived record's hash and its id follow the last archived id.
 * The cheap checks come before hashing, and the token signatures last within each batch.
 */
public final class ArchiveVerifier {

    /** The oldest record remaining in the database: the archive's chain must continue into it. */
    public record FirstRecord(long id, byte[] prevHash) {
        public FirstRecord {
            prevHash = Objects.requireNonNull(prevHash, "prevHash").clone();
        }

        @Override
        public byte[] prevHash() {
            return prevHash.clone();
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final Provider provider;
    private final List<X509Certificate> tsaCertificates;

    /**
     * @param tsaCertificates the TSA certificates to check batch tokens against (any may have
     *                        signed a batch); empty to skip the token checks
     */
    public ArchiveVerifier(Provider provider, List<X509Certificate> tsaCertificates) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.tsaCertificates = List.copyOf(tsaCertificates);
    }

    /** Verifies the archive in {@code dir} on its own. */
    public ArchiveVerification verify(Path dir) throws ArchiveVerificationException {
        return verify(dir, Optional.empty());
    }

    /** Verifies the archive in {@code dir} and that the database's chain continues from it. */
    public ArchiveVerification verify(Path dir, Optional<FirstRecord> databaseFirst)
            throws ArchiveVerificationException {
        TreeMap<Long, Path> files;
        try {
            files = ArchiveFiles.list(dir);
        } catch (IOException e) {
            throw new ArchiveVerificationException(dir.toString(), -1, "cannot list the directory", "a readable"
                    + " directory", e.toString());
        }
        long expectedSequence = 1;
        byte[] previousFile = new byte[32];
        Chain chain = new Chain();
        for (Map.Entry<Long, Path> entry : files.entrySet()) {
            if (entry.getKey() != expectedSequence) {
                throw new ArchiveVerificationException(ArchiveFiles.name(expectedSequence), -1,
                        "the archive file is missing", "file " + expectedSequence + " of the chain",
                        "next file " + entry.getValue().getFileName());
            }
            previousFile = verifyFile(entry.getValue(), expectedSequence, previousFile, chain);
            expectedSequence++;
        }
        if (databaseFirst.isPresent()) {
            FirstRecord first = databaseFirst.get();
            String where = "the database after " + (files.isEmpty() ? "an empty archive"
                    : files.lastEntry().getValue().getFileName());
            if (first.id() != chain.recordId + 1 || !MessageDigest.isEqual(first.prevHash(), chain.hash)) {
                throw new ArchiveVerificationException(where, first.id(), "the first remaining record does not"
                        + " continue the archive's chain", "record " + (chain.recordId + 1) + " linking to "
                        + HEX.formatHex(chain.hash), "record " + first.id() + " linking to "
                        + HEX.formatHex(first.prevHash()));
            }
        }
        return new ArchiveVerification(files.size(), chain.batchId, chain.recordId, chain.recordId,
                HEX.formatHex(chain.hash), !tsaCertificates.isEmpty());
    }

    /** Where the chain stands after the files checked so far. */
    private static final class Chain {
        long recordId;
        long batchId;
        byte[] hash = LogRow.genesis();
    }

    /** Checks one file; returns its SHA-256. */
    private byte[] verifyFile(Path path, long sequence, byte[] previousFile, Chain chain)
            throws ArchiveVerificationException {
        String name = path.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ArchiveVerificationException(name, -1, "cannot read the file", "a readable file", e.toString());
        }
        ArchiveFile file = ArchiveCodec.decode(name, bytes);
        if (file.sequence() != sequence) {
            throw new ArchiveVerificationException(name, -1, "the header's sequence number does not match the file's"
                    + " place in the chain", Long.toString(sequence), Long.toString(file.sequence()));
        }
        if (!MessageDigest.isEqual(previousFile, file.previousFileSha256())) {
            throw new ArchiveVerificationException(name, -1, "the header's previous-file digest is not the SHA-256 of"
                    + " the previous file", HEX.formatHex(previousFile), HEX.formatHex(file.previousFileSha256()));
        }
        for (ArchivedBatch b : file.batches()) {
            verifyBatch(name, b, chain);
        }
        return MessageLogArchiver.sha256(bytes);
    }

    private void verifyBatch(String name, ArchivedBatch archived, Chain chain) throws ArchiveVerificationException {
        TimestampBatch batch = archived.batch();
        if (batch.id() != chain.batchId + 1 || batch.firstRecordId() != chain.recordId + 1) {
            throw new ArchiveVerificationException(name, batch.firstRecordId(), "batch " + batch.id()
                    + " does not continue the archive", "batch " + (chain.batchId + 1) + " from record "
                    + (chain.recordId + 1), "batch " + batch.id() + " from record " + batch.firstRecordId());
        }
        for (ArchivedRecord r : archived.records()) {
            verifyRecord(name, batch, r, chain);
        }
        chain.batchId = batch.id();
        if (!tsaCertificates.isEmpty()) {
            verifyToken(name, batch);
        }
    }

    private static void verifyRecord(String name, TimestampBatch batch, ArchivedRecord r, Chain chain)
            throws ArchiveVerificationException {
        LogRow row = r.row();
        long id = row.id();
        if (id != chain.recordId + 1) {
            throw new ArchiveVerificationException(name, id, "record ids are not consecutive",
                    Long.toString(chain.recordId + 1), Long.toString(id));
        }
        if (r.batchId() != batch.id() || r.leafIndex() != id - batch.firstRecordId()) {
            throw new ArchiveVerificationException(name, id, "the record is not where its batch puts it",
                    "batch " + batch.id() + " leaf " + (id - batch.firstRecordId()),
                    "batch " + r.batchId() + " leaf " + r.leafIndex());
        }
        if (!MessageDigest.isEqual(chain.hash, row.prevHash())) {
            throw new ArchiveVerificationException(name, id, "its link to the previous record does not match",
                    HEX.formatHex(chain.hash), HEX.formatHex(row.prevHash()));
        }
        byte[] computed = row.recordHash();
        if (!MessageDigest.isEqual(computed, r.recordHash())) {
            throw new ArchiveVerificationException(name, id, "its fields do not hash to its stored record hash",
                    HEX.formatHex(r.recordHash()), HEX.formatHex(computed));
        }
        try {
            ProofVerifier.verifyInclusion(r.leafIndex(), batch.size(), MerkleHashes.leafHash(r.recordHash()),
                    r.inclusionPath(), batch.root());
        } catch (ProofVerificationException e) {
            throw new ArchiveVerificationException(name, id, "its inclusion path does not lead to the root of batch "
                    + batch.id() + " (" + e.getMessage() + ")", e.expected(), e.actual());
        }
        chain.recordId = id;
        chain.hash = r.recordHash();
    }

    private void verifyToken(String name, TimestampBatch batch) throws ArchiveVerificationException {
        TimestampVerifier verifier = new TimestampVerifier(provider);
        StringBuilder failures = new StringBuilder();
        for (X509Certificate certificate : tsaCertificates) {
            try {
                verifier.verify(batch.token(), batch.root(), certificate);
                return;
            } catch (TimestampException e) {
                failures.append(failures.length() == 0 ? "" : "; ").append(certificate.getSubjectX500Principal())
                        .append(": ").append(e.getMessage());
            }
        }
        throw new ArchiveVerificationException(name, batch.firstRecordId(), "the token of batch " + batch.id()
                + " does not verify", "an RFC 3161 token over root " + HEX.formatHex(batch.root()) + " by one of "
                + tsaCertificates.size() + " TSA certificates", failures.toString());
    }
}
