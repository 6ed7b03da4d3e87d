package org.xroadng.auditlog.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The commitment scheme of restricted accesses (DESIGN.md section 7). A restricted event enters
 * the access log at once, as a stub entry ({@link AccessEvent#entry}) holding its commitment:
 * <pre>
 *   commitment = base64url( SHA-256( "xroad-ng/restricted-access/v1" || 0x00 || salt || content ) )
 * </pre>
 * where {@code salt} is 32 random bytes kept secret until disclosure and {@code content} is the RFC
 * 8785 canonical JSON of the whole event ({@link AccessEvent#toJson()}, its {@code restriction}
 * member included). The domain prefix keeps the hash apart from every other SHA-256 in the system
 * (Merkle leaves start 0x00, nodes 0x01); the salt makes the commitment hiding (the event's values
 * are few and guessable: without it, hashing candidates would find them) and, with SHA-256's
 * collision resistance, binding: the server cannot later open it to another event.
 *
 * <p>The stub is a leaf like any other, so the log's size, checkpoints and inclusion proofs count it
 * from the first second; witnesses cosign those checkpoints, so the stub cannot be dropped later.
 * On the disclosure date the server reveals {@code salt} and the event; {@link #checkReveal} is
 * what a reader (the citizen portal) runs on it.
 */
public final class RestrictedAccess {

    /** Bytes of salt in a commitment. */
    public static final int SALT_BYTES = 32;
    /** The member of a stub entry that holds the restriction and the commitment. */
    public static final String STUB_MEMBER = "restricted";
    /** The members a stub entry has besides {@link AccessEvent#PREVIOUS}. */
    public static final List<String> STUB_SHOWN = List.of("eventId", "time", "side", "subjects");

    private static final byte[] DOMAIN = "xroad-ng/restricted-access/v1\0".getBytes(StandardCharsets.US_ASCII);

    private RestrictedAccess() {
    }

    /** The commitment to {@code content} under {@code salt}, base64url without padding. */
    public static String commitment(byte[] salt, byte[] content) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a salt is " + SALT_BYTES + " bytes; got " + salt.length);
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha256.update(DOMAIN);
        sha256.update(salt);
        sha256.update(content);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }

    /** Whether an entry (a leaf's JSON object) is a restricted event's stub. */
    public static boolean isStub(Map<String, Object> entry) {
        return entry.containsKey(STUB_MEMBER);
    }

    /**
     * The restriction a stub states, and its commitment.
     *
     * @throws IllegalArgumentException when the stub's {@code restricted} member is malformed
     */
    public static Stub stubOf(Map<String, Object> entry) {
        Object restricted = entry.get(STUB_MEMBER);
        Restriction restriction = Restriction.fromJson(restricted);
        Object commitment = ((Map<?, ?>) restricted).get("commitment");
        if (!(commitment instanceof String text) || text.length() != 43) {
            throw new IllegalArgumentException("the stub's commitment is not a base64url SHA-256 hash");
        }
        return new Stub(restriction, text);
    }

    /** What a stub entry states: the restriction, and the commitment to the whole event. */
    public record Stub(Restriction restriction, String commitment) {
        public Stub {
            Objects.requireNonNull(restriction, "restriction");
            Objects.requireNonNull(commitment, "commitment");
        }
    }

    /**
     * Why a revealed event does not open the stub's commitment, or empty when it does. It opens it
     * when all hold: the salt is {@value #SALT_BYTES} bytes of base64url; the commitment recomputed
     * from the salt and the RFC 8785 form of {@code event} as received equals the stub's; and the
     * event agrees with the stub on every member the stub shows ({@link #STUB_SHOWN}) and on its
     * restriction (authority, legal basis and disclosure date), so a server cannot reveal a real
     * event under another's stub nor move the date it promised.
     */
    public static Optional<String> checkReveal(Map<String, Object> stub, String salt, Map<String, Object> event) {
        Stub stated;
        try {
            stated = stubOf(stub);
        } catch (IllegalArgumentException | ClassCastException e) {
            return Optional.of("the stub cannot be read: " + e.getMessage());
        }
        byte[] saltBytes;
        try {
            saltBytes = Base64.getUrlDecoder().decode(salt == null ? "" : salt);
        } catch (IllegalArgumentException e) {
            return Optional.of("the revealed salt is not base64url");
        }
        if (saltBytes.length != SALT_BYTES) {
            return Optional.of("the revealed salt is " + saltBytes.length + " bytes, not " + SALT_BYTES);
        }
        String recomputed;
        try {
            recomputed = commitment(saltBytes, CanonicalJson.bytes(event));
        } catch (IllegalArgumentException e) {
            return Optional.of("the revealed event is not I-JSON: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(recomputed.getBytes(StandardCharsets.US_ASCII),
                stated.commitment().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("the revealed event does not match the commitment logged at " + stub.get("time")
                    + " (expected " + stated.commitment() + ", the reveal gives " + recomputed + ")");
        }
        List<String> differ = new ArrayList<>();
        for (String member : STUB_SHOWN) {
            if (!Objects.equals(stub.get(member), event.get(member))) {
                differ.add(member);
            }
        }
        Restriction revealed;
        try {
            revealed = Restriction.fromJson(event.get(Restriction.MEMBER));
        } catch (IllegalArgumentException e) {
            return Optional.of("the revealed event's restriction cannot be read: " + e.getMessage());
        }
        if (!revealed.equals(stated.restriction())) {
            differ.add(Restriction.MEMBER);
        }
        return differ.isEmpty() ? Optional.empty()
                : Optional.of("the revealed event differs from its stub in " + String.join(", ", differ));
    }
}
