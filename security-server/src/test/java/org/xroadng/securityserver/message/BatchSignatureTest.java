package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;

/** The batch signature codec: leaf hashing, RFC 9162 trees and paths, the wire form and its refusals. No keys. */
class BatchSignatureTest {

    private static final byte[] SALT = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] SUMMARY = "{\"id\":\"q1\"}".getBytes(StandardCharsets.UTF_8);
    /** Any compact JWS shape: the codec does not verify it. */
    private static final String ROOT_JWS = "eyJhbGciOiJFUzI1NiJ9.eyJ2IjoxfQ.c2ln";

    private static byte[] leaf(int i) {
        byte[] salt = SALT.clone();
        salt[0] = (byte) i;
        return BatchSignature.leafHash(salt, ("{\"id\":\"q" + i + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void leafHash_isSha256OfZeroLabelSaltAndSummary() throws NoSuchAlgorithmException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update((byte) 0);
        sha256.update("xroadng/batch-leaf/v1".getBytes(StandardCharsets.US_ASCII));
        sha256.update(SALT);
        sha256.update(SUMMARY);

        assertArrayEquals(sha256.digest(), BatchSignature.leafHash(SALT, SUMMARY));
    }

    @Test
    void leafHash_differsFromThePlainMerkleLeafOfTheSameSummary() {
        assertFalse(Arrays.equals(MerkleHashes.leafHash(SUMMARY), BatchSignature.leafHash(SALT, SUMMARY)));
    }

    @Test
    void tree_ofEverySizeUpTo33_hasTheRfc9162RootAndPathsThatVerify() throws ProofVerificationException {
        for (int n = 1; n <= 33; n++) {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                leaves.add(leaf(i));
            }
            BatchSignature.Tree tree = BatchSignature.tree(leaves);

            assertArrayEquals(MerkleHashes.treeHashOfLeafHashes(leaves), tree.root(), "root of " + n);
            for (int i = 0; i < n; i++) {
                ProofVerifier.verifyInclusion(i, n, leaves.get(i), tree.paths().get(i), tree.root());
            }
        }
    }

    @Test
    void tree_ofThree_isTheKnownShape() {
        List<byte[]> leaves = List.of(leaf(0), leaf(1), leaf(2));
        BatchSignature.Tree tree = BatchSignature.tree(leaves);

        byte[] left = MerkleHashes.nodeHash(leaves.get(0), leaves.get(1));
        assertArrayEquals(MerkleHashes.nodeHash(left, leaves.get(2)), tree.root());
        assertEquals(2, tree.paths().get(0).size());
        assertArrayEquals(leaves.get(1), tree.paths().get(0).get(0));
        assertArrayEquals(leaves.get(2), tree.paths().get(0).get(1));
        assertEquals(1, tree.paths().get(2).size());
        assertArrayEquals(left, tree.paths().get(2).get(0));
    }

    @Test
    void tree_ofOne_isItsLeafWithAnEmptyPath() {
        BatchSignature.Tree tree = BatchSignature.tree(List.of(leaf(0)));

        assertArrayEquals(leaf(0), tree.root());
        assertTrue(tree.paths().get(0).isEmpty());
    }

    /**
     * The flattened form servers sent before the compact one, written here as they wrote it: the
     * base64url of {"protected","payload","signature","header":{"batchLeaf":{...}}}.
     */
    static String flattened(String rootJws, BatchSignature.Leaf leaf) {
        Base64.Encoder b64u = Base64.getUrlEncoder().withoutPadding();
        String[] parts = rootJws.split("\\.");
        StringBuilder path = new StringBuilder();
        for (byte[] h : leaf.path()) {
            path.append(path.length() == 0 ? "" : ",").append('"').append(b64u.encodeToString(h)).append('"');
        }
        String json = "{\"protected\":\"" + parts[0] + "\",\"payload\":\"" + parts[1] + "\",\"signature\":\""
                + parts[2] + "\",\"header\":{\"batchLeaf\":{\"summary\":\"" + b64u.encodeToString(leaf.summary())
                + "\",\"salt\":\"" + b64u.encodeToString(leaf.salt()) + "\",\"index\":" + leaf.index() + ",\"path\":["
                + path + "]}}}";
        return b64u.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertDecodesTo(String token, List<byte[]> path) throws MessageVerificationException {
        assertTrue(BatchSignature.isBatch(token));
        BatchSignature.Decoded decoded = BatchSignature.decode(token);
        assertEquals(ROOT_JWS, decoded.rootJws());
        assertArrayEquals(SUMMARY, decoded.leaf().summary());
        assertArrayEquals(SALT, decoded.leaf().salt());
        assertEquals(0, decoded.leaf().index());
        assertEquals(path.size(), decoded.leaf().path().size());
        for (int i = 0; i < path.size(); i++) {
            assertArrayEquals(path.get(i), decoded.leaf().path().get(i));
        }
    }

    @Test
    void encoded_isTheRootJwsATildeAndTheLeaf_andDecodesToThem() throws MessageVerificationException {
        List<byte[]> path = List.of(leaf(1), leaf(2));
        String token = BatchSignature.encode(ROOT_JWS, new BatchSignature.Leaf(SUMMARY, SALT, 0, path));

        assertTrue(token.startsWith(ROOT_JWS + "~"), token);
        assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+~[A-Za-z0-9_-]+"), token);
        assertFalse(BatchSignature.isBatch(ROOT_JWS));
        assertDecodesTo(token, path);
    }

    @Test
    void flattenedFormOfEarlierServers_decodesToTheSameRootAndLeaf() throws MessageVerificationException {
        List<byte[]> path = List.of(leaf(1), leaf(2));
        BatchSignature.Leaf leaf = new BatchSignature.Leaf(SUMMARY, SALT, 0, path);
        String compact = BatchSignature.encode(ROOT_JWS, leaf);
        String flattened = flattened(ROOT_JWS, leaf);

        assertTrue(flattened.matches("[A-Za-z0-9_-]+"), flattened);
        assertDecodesTo(flattened, path);
        assertTrue(flattened.length() > compact.length() * 5 / 4, "the compact form is a fifth shorter at least: "
                + flattened.length() + " against " + compact.length() + " characters");
    }

    @Test
    void rootPayload_parsesBack_andOtherShapesAreRefused() throws MessageVerificationException {
        BatchSignature.Root root = BatchSignature.parseRoot(BatchSignature.rootPayload(leaf(0), 5));
        assertArrayEquals(leaf(0), root.hash());
        assertEquals(5, root.size());

        assertRefused(() -> BatchSignature.parseRoot(SUMMARY), "the batch root payload has the members [id]");
        assertRefused(() -> BatchSignature.parseRoot(BatchSignature.rootPayload(leaf(0), 0)),
                "the batch root's size is 0");
        assertRefused(() -> BatchSignature.parseRoot(BatchSignature.rootPayload(new byte[31], 2)),
                "the batch root has 31 bytes");
    }

    @Test
    void inclusion_withAChangedPathSummarySaltOrIndex_isRefused() throws MessageVerificationException {
        List<byte[]> leaves = new ArrayList<>(List.of(BatchSignature.leafHash(SALT, SUMMARY), leaf(1), leaf(2)));
        BatchSignature.Tree tree = BatchSignature.tree(leaves);
        BatchSignature.Root root = new BatchSignature.Root(tree.root(), 3);
        BatchSignature.checkInclusion(new BatchSignature.Leaf(SUMMARY, SALT, 0, tree.paths().get(0)), root);

        byte[] otherPathHash = tree.paths().get(0).get(0).clone();
        otherPathHash[0] ^= 1;
        byte[] otherSalt = SALT.clone();
        otherSalt[15] ^= 1;
        byte[] otherSummary = SUMMARY.clone();
        otherSummary[8] ^= 1;
        String mismatch = "the batch leaf (summary and salt) and its inclusion path do not lead to the signed root";
        assertRefused(() -> BatchSignature.checkInclusion(new BatchSignature.Leaf(SUMMARY, SALT, 0,
                List.of(otherPathHash, tree.paths().get(0).get(1))), root), mismatch);
        assertRefused(() -> BatchSignature.checkInclusion(new BatchSignature.Leaf(SUMMARY, otherSalt, 0,
                tree.paths().get(0)), root), mismatch);
        assertRefused(() -> BatchSignature.checkInclusion(new BatchSignature.Leaf(otherSummary, SALT, 0,
                tree.paths().get(0)), root), mismatch);
        assertRefused(() -> BatchSignature.checkInclusion(new BatchSignature.Leaf(SUMMARY, SALT, 1,
                tree.paths().get(0)), root), mismatch);
        assertRefused(() -> BatchSignature.checkInclusion(new BatchSignature.Leaf(SUMMARY, SALT, 3,
                tree.paths().get(0)), root), "the batch leaf's index 3 is outside the signed batch of 3");
        assertRefused(() -> BatchSignature.checkInclusion(new BatchSignature.Leaf(SUMMARY, SALT, 0,
                tree.paths().get(0).subList(0, 1)), root), "the batch inclusion path has 1 hashes; leaf 0 of a batch of 3 needs 2");
    }

    @Test
    void decode_refusesMalformedCompactTokens() {
        Base64.Encoder b64u = Base64.getUrlEncoder().withoutPadding();
        String good = BatchSignature.encode(ROOT_JWS, new BatchSignature.Leaf(SUMMARY, SALT, 0, List.of()));
        String leaf = good.substring(good.indexOf('~') + 1);
        String leafJson = new String(Base64.getUrlDecoder().decode(leaf), StandardCharsets.UTF_8);

        assertRefused(() -> BatchSignature.decode(good + "~" + leaf), "the batch signature has more than one '~'");
        for (String root : List.of("eyJhbGciOiJFUzI1NiJ9.eyJ2IjoxfQ", "eyJhbGciOiJFUzI1NiJ9..c2ln",
                ".eyJ2IjoxfQ.c2ln", "eyJhbGciOiJFUzI1NiJ9.eyJ2IjoxfQ.", "a.b.c.d", "")) {
            assertRefused(() -> BatchSignature.decode(root + "~" + leaf), "the batch signature's root is not a compact JWS");
        }
        assertRefused(() -> BatchSignature.decode(ROOT_JWS + "~" + leaf + "="), "the batch signature's leaf is not");
        assertRefused(() -> BatchSignature.decode(ROOT_JWS + "~"), "the batch leaf is not");
        assertRefused(() -> BatchSignature.decode(ROOT_JWS + "~" + b64u.encodeToString(
                leafJson.replace("\"index\"", "\"extra\":1,\"index\"").getBytes(StandardCharsets.UTF_8))),
                "the batch leaf has the members");
        assertRefused(() -> BatchSignature.decode(ROOT_JWS + "~" + b64u.encodeToString(
                leafJson.replace(b64u.encodeToString(SALT), b64u.encodeToString(new byte[15]))
                        .getBytes(StandardCharsets.UTF_8))), "the batch leaf's salt has 15 bytes; expected 16");
    }

    @Test
    void encode_refusesARootThatIsNotACompactJws() {
        BatchSignature.Leaf leaf = new BatchSignature.Leaf(SUMMARY, SALT, 0, List.of());
        for (String root : List.of("a.b", "a.b.c.d", "a..c", ".b.c", "a.b.", "a.b.c~d", "")) {
            assertThrows(IllegalArgumentException.class, () -> BatchSignature.encode(root, leaf), root);
        }
    }

    @Test
    void decode_refusesMalformedFlattenedTokens() {
        String good = flattened(ROOT_JWS, new BatchSignature.Leaf(SUMMARY, SALT, 0, List.of()));
        Base64.Encoder b64u = Base64.getUrlEncoder().withoutPadding();

        assertRefused(() -> BatchSignature.decode(good + "="), "the batch signature is not");
        assertRefused(() -> BatchSignature.decode(b64u.encodeToString("[1]".getBytes(StandardCharsets.UTF_8))),
                "the batch signature is not a JSON object");
        String extra = new String(Base64.getUrlDecoder().decode(good), StandardCharsets.UTF_8)
                .replace("\"header\":", "\"extra\":1,\"header\":");
        assertRefused(() -> BatchSignature.decode(b64u.encodeToString(extra.getBytes(StandardCharsets.UTF_8))),
                "the batch signature has the members");
        String shortSalt = new String(Base64.getUrlDecoder().decode(good), StandardCharsets.UTF_8)
                .replace(b64u.encodeToString(SALT), b64u.encodeToString(new byte[15]));
        assertRefused(() -> BatchSignature.decode(b64u.encodeToString(shortSalt.getBytes(StandardCharsets.UTF_8))),
                "the batch leaf's salt has 15 bytes; expected 16");
        String leafExtra = new String(Base64.getUrlDecoder().decode(good), StandardCharsets.UTF_8)
                .replace("\"batchLeaf\":{", "\"batchLeaf\":{\"extra\":1,");
        assertRefused(() -> BatchSignature.decode(b64u.encodeToString(leafExtra.getBytes(StandardCharsets.UTF_8))),
                "the batch leaf has the members");
    }

    private interface Call {
        void run() throws MessageVerificationException;
    }

    private static void assertRefused(Call call, String messageStart) {
        MessageVerificationException e = assertThrows(MessageVerificationException.class, call::run);
        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }
}
