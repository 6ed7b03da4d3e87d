package org.xroadng.protocol.globalconf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The anchor file a security server is given out of band (DESIGN.md section 5): a JSON object
 * with {@code instance}, {@code downloadUrl} and {@code configurationSigningCertificate} (base64
 * DER), and {@code nextConfigurationSigningCertificate} while the registry rotates its key. The
 * operator pins it by its {@link #fingerprint(Path) fingerprint}, the SHA-256 of the file's bytes,
 * compared with the one the registry printed.
 *
 * <p>Guarantees: {@link #read} returns an anchor only when every field is present and valid: a
 * non-blank instance, an absolute http or https URL with a host, and certificates that are each
 * exactly one DER-encoded X.509 certificate with an EC key. {@link #write} never leaves a partly written
 * file in place of the old one.
 */
public final class AnchorFile {

    /** An anchor is a few kilobytes; anything much larger is not one. */
    private static final long MAX_BYTES = 1024 * 1024;

    private static final Set<String> FIELDS = Set.of("instance", "downloadUrl", "configurationSigningCertificate",
            "nextConfigurationSigningCertificate");

    private static final HexFormat FINGERPRINT_FORMAT = HexFormat.ofDelimiter(":").withUpperCase();

    private AnchorFile() {
    }

    /** Writes the anchor as pretty-printed JSON, atomically replacing any existing file. */
    public static void write(Path file, Anchor anchor) throws IOException {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("instance", anchor.instance());
        json.put("downloadUrl", anchor.downloadUrl().toString());
        json.put("configurationSigningCertificate", anchor.configurationSigningCertificate());
        if (anchor.nextConfigurationSigningCertificate() != null) {
            json.put("nextConfigurationSigningCertificate", anchor.nextConfigurationSigningCertificate());
        }
        String text = ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads and validates an anchor file; {@link Reason#BAD_ANCHOR} names the file and what is wrong. */
    public static Anchor read(Path file) throws ConfigurationException {
        return parse(file, readBytes(file));
    }

    /**
     * Reads an anchor file only if its fingerprint is the pinned one, so that the bytes checked
     * are the bytes used. The pinned fingerprint may be given with or without ':' separators, in
     * either case.
     */
    public static Anchor read(Path file, String pinnedFingerprint) throws ConfigurationException {
        String expected = normalisedFingerprint(pinnedFingerprint);
        byte[] bytes = readBytes(file);
        String actual = fingerprint(bytes);
        if (!expected.equals(actual)) {
            throw new ConfigurationException(Reason.BAD_ANCHOR, "anchor file " + file + " has fingerprint "
                    + actual + "; expected the pinned " + expected, expected, actual, null);
        }
        return parse(file, bytes);
    }

    /** SHA-256 of the file's bytes as upper-case hex pairs separated by ':' (95 characters). */
    public static String fingerprint(Path file) throws IOException {
        return fingerprint(Files.readAllBytes(file));
    }

    /** SHA-256 of {@code bytes} as upper-case hex pairs separated by ':' (95 characters). */
    public static String fingerprint(byte[] bytes) {
        return FINGERPRINT_FORMAT.formatHex(sha256(bytes));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    private static String normalisedFingerprint(String pinned) throws ConfigurationException {
        String hex = pinned == null ? "" : pinned.replace(":", "").strip().toUpperCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ConfigurationException(Reason.BAD_ANCHOR, "pinned anchor fingerprint '" + pinned
                    + "' is not a SHA-256 fingerprint; expected 32 hex pairs separated by ':'");
        }
        return FINGERPRINT_FORMAT.formatHex(HexFormat.of().parseHex(hex));
    }

    private static byte[] readBytes(Path file) throws ConfigurationException {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
                throw bad(file, "is " + Files.size(file) + " bytes long; an anchor is at most " + MAX_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw bad(file, "does not exist");
        } catch (IOException e) {
            throw new ConfigurationException(Reason.BAD_ANCHOR, "anchor file " + file + " cannot be read: " + e, e);
        }
    }

    private static Anchor parse(Path file, byte[] bytes) throws ConfigurationException {
        JsonNode root;
        try {
            root = ProtocolJson.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw bad(file, "is not JSON: " + ProtocolJson.describe(e));
        } catch (IOException e) {
            throw bad(file, "cannot be parsed: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode object)) {
            throw bad(file, "holds " + (root == null || root.isMissingNode() ? "nothing" : "a JSON " + root.getNodeType())
                    + "; expected an object with the fields " + String.join(", ", sorted(FIELDS)));
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw bad(file, "has the unknown field '" + name + "'; expected only " + String.join(", ", sorted(FIELDS)));
            }
        }
        String instance = text(file, object, "instance");
        if (instance.isBlank()) {
            throw bad(file, "field 'instance' is blank; expected the instance identifier, such as EE");
        }
        URI downloadUrl = downloadUrl(file, text(file, object, "downloadUrl"));
        String certificate = text(file, object, "configurationSigningCertificate");
        checkCertificate(file, "configurationSigningCertificate", certificate);
        String next = null;
        if (object.hasNonNull("nextConfigurationSigningCertificate")) {
            next = text(file, object, "nextConfigurationSigningCertificate");
            checkCertificate(file, "nextConfigurationSigningCertificate", next);
        }
        return new Anchor(instance, downloadUrl, certificate, next);
    }

    private static String text(Path file, ObjectNode object, String field) throws ConfigurationException {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            throw bad(file, "has no field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw bad(file, "field '" + field + "' is a JSON " + node.getNodeType() + "; expected a string");
        }
        return node.textValue();
    }

    private static URI downloadUrl(Path file, String text) throws ConfigurationException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw bad(file, "field 'downloadUrl' '" + text + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad(file, "field 'downloadUrl' '" + text + "' has scheme '" + scheme + "'; expected http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw bad(file, "field 'downloadUrl' '" + text + "' has no host");
        }
        return uri;
    }

    /** Exactly one DER X.509 certificate with an EC key: PEM, trailing bytes or other key types are refused. */
    private static void checkCertificate(Path file, String name, String base64) throws ConfigurationException {
        String field = "field '" + name + "'";
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw bad(file, field + " is not base64: " + e.getMessage());
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            if (certificate == null || !Arrays.equals(certificate.getEncoded(), der)) {
                throw new CertificateException("the bytes are not exactly one DER-encoded certificate");
            }
        } catch (CertificateException | ClassCastException e) {
            throw bad(file, field + " is not a base64 DER X.509 certificate: " + e.getMessage());
        }
        if (!(certificate.getPublicKey() instanceof ECPublicKey)) {
            throw bad(file, field + " holds a certificate with a " + certificate.getPublicKey().getAlgorithm()
                    + " key; expected an EC P-256 key (the configuration is signed with ES256)");
        }
    }

    private static ConfigurationException bad(Path file, String problem) {
        return new ConfigurationException(Reason.BAD_ANCHOR, "anchor file " + file + " " + problem);
    }

    private static String[] sorted(Set<String> names) {
        return names.stream().sorted().toArray(String[]::new);
    }
}
