package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.securityserver.message.MessageVerificationException.Reason;

/**
 * The batch form of a message signature (DESIGN.md section 6): one ES256 JWS over the Merkle root
 * of many summaries, and for each message its own leaf and inclusion path.
 *
 * <h2>Wire form</h2>
 * The {@code X-Road-Signature} value is the root JWS in compact form, a {@code ~}, and the
 * base64url (RFC 4648 section 5, no padding) of the UTF-8 JSON of this message's leaf:
 * <pre>protected.payload.signature~b64url({"summary": b64url, "salt": b64url, "index": n, "path": [b64url, ...]})</pre>
 * A {@code ~} is in neither base64url nor a compact JWS, so the value is never taken for a plain
 * signature, and the two parts are found without decoding anything. Servers before this form
 * sent, and every server still reads, the <em>flattened form</em>: the base64url of the UTF-8
 * JSON of a flattened JWS JSON serialization (RFC 7515 section 7.2.2),
 * <pre>{"protected": ..., "payload": ..., "signature": ...,
 *  "header": {"batchLeaf": {"summary": b64url, "salt": b64url, "index": n, "path": [b64url, ...]}}}</pre>
 * which has no dot. It encoded the root's protected header (the certificate and OCSP response,
 * some 3 KB) in base64url twice: about a quarter more characters on the wire, in the logs and in
 * every check of the header. The protected header is
 * that of a plain message signature ({@code alg} ES256, {@code x5c}, {@code ocsp}) plus
 * {@value #ROOT_PARAM}: {@value #ROOT_PARAM_VALUE}, listed in {@code crit} (RFC 7515 section
 * 4.1.11), so a verifier that knows only plain signatures refuses a root, and a root can never be
 * taken for a signed summary. The payload is {@code {"v":1,"root":b64url,"size":n}}. The unprotected
 * {@code header} carries nothing a verifier trusts: the leaf is recomputed from it and must lead to
 * the signed root; the tree size is read only from the signed payload.
 *
 * <h2>Hashing</h2>
 * A leaf is {@code SHA-256(0x00 || "xroadng/batch-leaf/v1" || salt || summary JSON)} with a 16-byte
 * random salt: the label separates these leaves from every other use of the same tree hashing, the
 * salt makes a sibling hash in a path reveal nothing about the other messages of its batch. Nodes
 * and the tree shape are RFC 9162 section 2.1.1's ({@link MerkleHashes}); paths are RFC 9162
 * section 2.1.3.1's and are checked by {@link ProofVerifier} (index and length before hashing).
 */
public final class BatchSignature {

    /** The critical protected header parameter that marks a JWS as a batch root. */
    public static final String ROOT_PARAM = "batchRoot";
    public static final String ROOT_PARAM_VALUE = "xroadng/batch-root/v1";
    public static final Set<String> CRITICAL = Set.of(ROOT_PARAM);
    public static final int SALT_BYTES = 16;
    /** The largest batch signed or accepted; its paths have at most 16 hashes. */
    public static final int MAX_SIZE = 1 << 16;

    private static final byte[] LEAF_LABEL = "xroadng/batch-leaf/v1".getBytes(StandardCharsets.US_ASCII);
    /** Between the root JWS and the leaf in the compact form. */
    private static final char LEAF_SEPARATOR = '~';
    private static final Set<String> LEAF_FIELDS = Set.of("summary", "salt", "index", "path");
    private static final int MAX_TOKEN_CHARS = 256 * 1024;
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64U_DECODER = Base64.getUrlDecoder();

    private BatchSignature() {
    }

    /** One message's place in a batch: its signed summary bytes, salt, leaf index and inclusion path. */
    public record Leaf(byte[] summary, byte[] salt, int index, List<byte[]> path) {
        public Leaf {
            summary = summary.clone();
            salt = salt.clone();
            List<byte[]> copy = new ArrayList<>(path.size());
            for (byte[] h : path) {
                copy.add(h.clone());
            }
            path = List.copyOf(copy);
        }

        @Override
        public byte[] summary() {
            return summary.clone();
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        /** {@link BatchSignature#leafHash} of this leaf. */
        public byte[] hash() {
            return leafHash(salt, summary);
        }
    }

    /** A decoded batch signature: the root JWS in compact form and this message's leaf. Nothing verified yet. */
    public record Decoded(String rootJws, Leaf leaf) {
    }

    /** The claims of a root JWS's payload. */
    public record Root(byte[] hash, int size) {
        public Root {
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }
    }

    /**
     * True when {@code signature} is in a batch form (it has a {@code ~}, or no dot at all), false
     * for a plain compact JWS.
     */
    public static boolean isBatch(String signature) {
        return signature != null && !signature.isEmpty()
                && (signature.indexOf(LEAF_SEPARATOR) >= 0 || signature.indexOf('.') < 0);
    }

    /** {@code SHA-256(0x00 || "xroadng/batch-leaf/v1" || salt || summary)}. */
    public static byte[] leafHash(byte[] salt, byte[] summary) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a batch leaf salt has " + SALT_BYTES + " bytes, not " + salt.length);
        }
        byte[] data = new byte[LEAF_LABEL.length + SALT_BYTES + summary.length];
        System.arraycopy(LEAF_LABEL, 0, data, 0, LEAF_LABEL.length);
        System.arraycopy(salt, 0, data, LEAF_LABEL.length, SALT_BYTES);
        System.arraycopy(summary, 0, data, LEAF_LABEL.length + SALT_BYTES, summary.length);
        return MerkleHashes.leafHash(data);
    }

    /**
     * The inclusion path (RFC 9162 section 2.1.3.1, leaf side first) of every leaf of the tree over
     * {@code leafHashes}, and its root as the last element. RFC 9162's tree (split after the largest
     * power of two) is the tree built level by level, pairing neighbours and carrying an odd last
     * node up unchanged, so each level is computed once: O(n) hashes for all paths.
     */
    public static Tree tree(List<byte[]> leafHashes) {
        int n = leafHashes.size();
        if (n < 1 || n > MAX_SIZE) {
            throw new IllegalArgumentException("a batch has 1.." + MAX_SIZE + " leaves, not " + n);
        }
        List<List<byte[]>> paths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            paths.add(new ArrayList<>());
        }
        List<byte[]> level = new ArrayList<>(leafHashes);
        int[] position = new int[n];
        for (int i = 0; i < n; i++) {
            position[i] = i;
        }
        while (level.size() > 1) {
            for (int i = 0; i < n; i++) {
                int sibling = position[i] ^ 1;
                if (sibling < level.size()) {
                    paths.get(i).add(level.get(sibling));
                }
                position[i] >>>= 1;
            }
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int j = 0; j + 1 < level.size(); j += 2) {
                up.add(MerkleHashes.nodeHash(level.get(j), level.get(j + 1)));
            }
            if (level.size() % 2 == 1) {
                up.add(level.get(level.size() - 1));
            }
            level = up;
        }
        return new Tree(level.get(0), paths);
    }

    /** A batch's root and each leaf's inclusion path. */
    public record Tree(byte[] root, List<List<byte[]>> paths) {
    }

    /** The root JWS payload: {@code {"v":1,"root":b64url,"size":n}}. */
    public static byte[] rootPayload(byte[] root, int size) {
        ObjectNode node = ProtocolJson.mapper().createObjectNode();
        node.put("v", 1);
        node.put("root", B64U.encodeToString(root));
        node.put("size", size);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The signed root claims of a verified root JWS payload, refused unless exactly as {@link #rootPayload} writes them. */
    public static Root parseRoot(byte[] payload) throws MessageVerificationException {
        JsonNode node = tree(payload, "the batch root payload");
        requireFields(node, Set.of("v", "root", "size"), "the batch root payload");
        if (!node.get("v").isInt() || node.get("v").intValue() != 1) {
            throw invalid("the batch root payload has version " + node.get("v") + "; expected 1");
        }
        byte[] root = bytes(node.get("root"), "the batch root payload's root");
        if (root.length != MerkleHashes.HASH_SIZE) {
            throw invalid("the batch root has " + root.length + " bytes; expected " + MerkleHashes.HASH_SIZE);
        }
        JsonNode size = node.get("size");
        if (!size.isInt() || size.intValue() < 1 || size.intValue() > MAX_SIZE) {
            throw invalid("the batch root's size is " + size + "; expected 1.." + MAX_SIZE);
        }
        return new Root(root, size.intValue());
    }

    /** The wire form of one message's signature: the root JWS, {@code ~}, and its leaf. */
    public static String encode(String rootCompactJws, Leaf leaf) {
        requireCompactRoot(rootCompactJws);
        return rootCompactJws + LEAF_SEPARATOR + B64U.encodeToString(leafJson(leaf).toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void requireCompactRoot(String rootCompactJws) {
        if (!isCompactJws(rootCompactJws)) {
            throw new IllegalArgumentException("the root is not a compact JWS");
        }
    }

    /**
     * Whether {@code root} is three non-empty parts joined by two dots, without a {@code ~}: checked
     * in place, not split, since a root is some 4 KB and the signer encodes it once per message.
     */
    private static boolean isCompactJws(String root) {
        int first = root.indexOf('.');
        int second = first < 0 ? -1 : root.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && second < root.length() - 1
                && root.indexOf('.', second + 1) < 0 && root.indexOf(LEAF_SEPARATOR) < 0;
    }

    private static ObjectNode leafJson(Leaf leaf) {
        ObjectNode leafNode = ProtocolJson.mapper().createObjectNode();
        leafNode.put("summary", B64U.encodeToString(leaf.summary));
        leafNode.put("salt", B64U.encodeToString(leaf.salt));
        leafNode.put("index", leaf.index());
        ArrayNode path = leafNode.putArray("path");
        for (byte[] h : leaf.path) {
            path.add(B64U.encodeToString(h));
        }
        return leafNode;
    }

    /**
     * Reads either wire form (compact or flattened); checks its shape and the sizes of salt and
     * path hashes, nothing cryptographic.
     */
    public static Decoded decode(String signature) throws MessageVerificationException {
        if (!isBatch(signature) || signature.length() > MAX_TOKEN_CHARS) {
            throw invalid("the batch signature is empty, is a plain JWS (dots and no '~') or is longer than "
                    + MAX_TOKEN_CHARS + " characters");
        }
        int separator = signature.indexOf(LEAF_SEPARATOR);
        if (separator >= 0) {
            return decodeCompact(signature, separator);
        }
        byte[] json = canonical(signature, "the batch signature");
        JsonNode node = tree(json, "the batch signature");
        requireFields(node, Set.of("protected", "payload", "signature", "header"), "the batch signature");
        JsonNode header = node.get("header");
        requireFields(header, Set.of("batchLeaf"), "the batch signature's unprotected header");
        JsonNode leaf = header.get("batchLeaf");
        String rootJws = text(node, "protected") + "." + text(node, "payload") + "." + text(node, "signature");
        return new Decoded(rootJws, leafOf(leaf));
    }

    /** The compact form: {@code protected.payload.signature~leaf}, the {@code ~} at {@code separator}. */
    private static Decoded decodeCompact(String signature, int separator) throws MessageVerificationException {
        if (signature.indexOf(LEAF_SEPARATOR, separator + 1) >= 0) {
            throw invalid("the batch signature has more than one '~'; expected root JWS '~' leaf");
        }
        String rootJws = signature.substring(0, separator);
        if (!isCompactJws(rootJws)) {
            throw invalid("the batch signature's root is not a compact JWS (three non-empty parts joined by dots)"
                    + " before its '~'");
        }
        JsonNode leaf = tree(canonical(signature.substring(separator + 1), "the batch signature's leaf"),
                "the batch leaf");
        return new Decoded(rootJws, leafOf(leaf));
    }

    /** The leaf of either form: exactly the members {@link #LEAF_FIELDS}, each checked. */
    private static Leaf leafOf(JsonNode leaf) throws MessageVerificationException {
        requireFields(leaf, LEAF_FIELDS, "the batch leaf");
        byte[] salt = bytes(leaf.get("salt"), "the batch leaf's salt");
        if (salt.length != SALT_BYTES) {
            throw invalid("the batch leaf's salt has " + salt.length + " bytes; expected " + SALT_BYTES);
        }
        byte[] summary = bytes(leaf.get("summary"), "the batch leaf's summary");
        JsonNode index = leaf.get("index");
        if (!index.isInt() || index.intValue() < 0) {
            throw invalid("the batch leaf's index is " + index + "; expected a number from 0");
        }
        JsonNode pathNode = leaf.get("path");
        if (!pathNode.isArray() || pathNode.size() > Integer.SIZE) {
            throw invalid("the batch leaf's path is not an array of at most " + Integer.SIZE + " hashes");
        }
        List<byte[]> path = new ArrayList<>(pathNode.size());
        for (JsonNode h : pathNode) {
            byte[] hash = bytes(h, "a batch path hash");
            if (hash.length != MerkleHashes.HASH_SIZE) {
                throw invalid("a batch path hash has " + hash.length + " bytes; expected " + MerkleHashes.HASH_SIZE);
            }
            path.add(hash);
        }
        return new Leaf(summary, salt, index.intValue(), path);
    }

    /**
     * Checks that {@code leaf} is leaf {@code leaf.index()} of the signed tree {@code root}: index
     * below the signed size and path length first (RFC 9162 section 2.1.3.2), then the hashes.
     */
    public static void checkInclusion(Leaf leaf, Root root) throws MessageVerificationException {
        if (leaf.index() >= root.size()) {
            throw invalid("the batch leaf's index " + leaf.index() + " is outside the signed batch of " + root.size());
        }
        int expected = ProofVerifier.inclusionProofLength(leaf.index(), root.size());
        if (leaf.path.size() != expected) {
            throw invalid("the batch inclusion path has " + leaf.path.size() + " hashes; leaf " + leaf.index()
                    + " of a batch of " + root.size() + " needs " + expected);
        }
        try {
            ProofVerifier.verifyInclusion(leaf.index(), root.size(), leaf.hash(), leaf.path, root.hash);
        } catch (ProofVerificationException e) {
            throw invalid("the batch leaf (summary and salt) and its inclusion path do not lead to the signed root: "
                    + e.getMessage());
        }
    }

    private static JsonNode tree(byte[] json, String what) throws MessageVerificationException {
        try {
            JsonNode node = ProtocolJson.mapper().readTree(json);
            if (node == null || !node.isObject()) {
                throw invalid(what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid(what + " is not JSON: " + ProtocolJson.describe(e));
        } catch (java.io.IOException e) {
            throw invalid(what + " cannot be read: " + e.getMessage());
        }
    }

    private static void requireFields(JsonNode node, Set<String> fields, String what)
            throws MessageVerificationException {
        if (!node.isObject()) {
            throw invalid(what + " is not a JSON object");
        }
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        if (names.size() != fields.size() || !fields.containsAll(names)) {
            throw invalid(what + " has the members " + names + "; expected exactly " + fields);
        }
    }

    private static String text(JsonNode node, String field) throws MessageVerificationException {
        JsonNode value = node.get(field);
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw invalid("the batch signature's " + field + " is not a base64url string");
        }
        return value.textValue();
    }

    private static byte[] bytes(JsonNode value, String what) throws MessageVerificationException {
        if (!value.isTextual()) {
            throw invalid(what + " is not a base64url string");
        }
        return canonical(value.textValue(), what);
    }

    /** Decodes unpadded base64url and refuses every other spelling of the same bytes: one value, one encoding. */
    private static byte[] canonical(String text, String what) throws MessageVerificationException {
        byte[] bytes;
        try {
            bytes = B64U_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw invalid(what + " is not base64url: " + e.getMessage());
        }
        if (!B64U.encodeToString(bytes).equals(text)) {
            throw invalid(what + " is not canonical unpadded base64url");
        }
        return bytes;
    }

    private static MessageVerificationException invalid(String message) {
        return new MessageVerificationException(Reason.INVALID_SIGNATURE, message);
    }
}
