package org.xroadng.certs.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;

/**
 * One component's backup as a single file: its files (configuration, database copies, software
 * tokens) encrypted under a passphrase and signed by the component's own key.
 *
 * <pre>
 * "XROADBAK" version(1 byte)
 * u32 header length, header (JSON: format, component, identity, createdAt, kdf, nonce, certificate)
 * u64 ciphertext length, ciphertext (AES-256-GCM, 128-bit tag, the header as additional data)
 * u32 signature length, signature (ECDSA P-256 over SHA-256 of everything before it, DER)
 * </pre>
 *
 * <h2>Security guarantees</h2>
 * {@link #verify} checks the signature with the certificate the header carries before anything
 * else is read (before a key is derived or a byte decrypted): a change of any bit of the file is
 * refused there. Whether that certificate is the component's own is the caller's check (the
 * identity it names against the one expected). The contents are encrypted with AES-256-GCM
 * (NIST SP 800-38D) under a key derived from the passphrase with Argon2id (RFC 9106, section 4's
 * second recommended option: 64 MiB, 3 passes) and a random 16-byte salt; a wrong passphrase is
 * refused by the GCM tag. Entry names are checked on reading: relative, no {@code ..}, no
 * duplicates, so an archive cannot write outside the directory it is restored into.
 */
public final class BackupArchive {

    private static final byte[] MAGIC = "XROADBAK".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int MEMORY_KIB = 64 * 1024;
    private static final int PASSES = 3;
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_PASSES = 10;
    private static final int MAX_HEADER = 64 * 1024;
    private static final long MAX_CONTENT = 4L * 1024 * 1024 * 1024;
    private static final int MIN_PASSPHRASE = 12;
    private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    /**
     * What the signed header says: which component and identity made the archive, when, and the
     * certificate of the key that signed it.
     */
    public record Header(String component, String identity, Instant createdAt, X509Certificate signer) {
        public Header {
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(signer, "signer");
        }
    }

    /** An archive whose signature has been checked, its contents still sealed. */
    public static final class Verified {
        private final Header header;
        private final JsonNode headerJson;
        private final byte[] headerBytes;
        private final byte[] ciphertext;

        private Verified(Header header, JsonNode headerJson, byte[] headerBytes, byte[] ciphertext) {
            this.header = header;
            this.headerJson = headerJson;
            this.headerBytes = headerBytes;
            this.ciphertext = ciphertext;
        }

        public Header header() {
            return header;
        }

        /** The files, decrypted with {@code passphrase}, by name in the order they were sealed. */
        public Map<String, byte[]> open(char[] passphrase) throws BackupException {
            JsonNode kdf = headerJson.path("kdf");
            int memory = kdf.path("memoryKiB").asInt(-1);
            int passes = kdf.path("passes").asInt(-1);
            if (!"argon2id".equals(kdf.path("algorithm").asText()) || memory < 8 || memory > MAX_MEMORY_KIB
                    || passes < 1 || passes > MAX_PASSES) {
                throw new BackupException("the archive's key derivation " + kdf + " is not one this version reads;"
                        + " expected argon2id with at most " + MAX_MEMORY_KIB + " KiB and " + MAX_PASSES + " passes");
            }
            byte[] salt = decode("salt", kdf);
            byte[] nonce = decode("nonce", headerJson);
            byte[] key = derive(passphrase, salt, memory, passes);
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
                cipher.updateAAD(headerBytes);
                return entries(cipher.doFinal(ciphertext));
            } catch (AEADBadTagException e) {
                throw new BackupException("the passphrase is not the one this archive was made with");
            } catch (GeneralSecurityException e) {
                throw new BackupException("the archive cannot be decrypted: " + e.getMessage(), e);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private BackupArchive() {
    }

    /**
     * Seals {@code files} (name to content; names relative with {@code /}) for {@code identity} of
     * {@code component}, signed with {@code key}, whose certificate is {@code certificate}.
     */
    public static byte[] seal(String component, String identity, Map<String, byte[]> files, char[] passphrase,
                              SigningKey key, X509Certificate certificate, SecureRandom random, Clock clock)
            throws BackupException {
        if (passphrase == null || passphrase.length < MIN_PASSPHRASE) {
            throw new BackupException("the backup passphrase is too short; expected at least " + MIN_PASSPHRASE
                    + " characters");
        }
        if (!certificate.getPublicKey().equals(key.publicKey())) {
            throw new BackupException("the signing certificate " + certificate.getSubjectX500Principal()
                    + " is not for the signing key " + key.keyId());
        }
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        ObjectNode header = ProtocolJson.mapper().createObjectNode();
        header.put("format", VERSION);
        header.put("component", component);
        header.put("identity", identity);
        header.put("createdAt", clock.instant().toString());
        ObjectNode kdf = header.putObject("kdf");
        kdf.put("algorithm", "argon2id");
        kdf.put("memoryKiB", MEMORY_KIB);
        kdf.put("passes", PASSES);
        kdf.put("salt", Base64.getEncoder().encodeToString(salt));
        header.put("nonce", Base64.getEncoder().encodeToString(nonce));
        byte[] derived = derive(passphrase, salt, MEMORY_KIB, PASSES);
        try {
            header.put("certificate", Base64.getEncoder().encodeToString(certificate.getEncoded()));
            byte[] headerBytes = ProtocolJson.mapper().writeValueAsBytes(header);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derived, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(headerBytes);
            byte[] ciphertext = cipher.doFinal(serialize(files));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(headerBytes.length);
            out.write(headerBytes);
            out.writeLong(ciphertext.length);
            out.write(ciphertext);
            byte[] signed = bytes.toByteArray();
            byte[] signature = key.sign(signed);
            out.writeInt(signature.length);
            out.write(signature);
            return bytes.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new BackupException("cannot seal the backup: " + e.getMessage(), e);
        } catch (SigningException e) {
            throw new BackupException("cannot sign the backup with key " + key.keyId() + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /**
     * Checks the archive's structure and its signature with the certificate in its header, then
     * reads the header; nothing is decrypted. {@code provider} verifies the signature.
     */
    public static Verified verify(byte[] archive, Provider provider) throws BackupException {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(archive));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new BackupException("not a backup archive (it does not start with XROADBAK)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new BackupException("backup archive version " + version + "; this version reads " + VERSION);
            }
            int headerLength = in.readInt();
            if (headerLength < 2 || headerLength > MAX_HEADER) {
                throw new BackupException("the archive's header length " + headerLength + " is out of range");
            }
            byte[] headerBytes = in.readNBytes(headerLength);
            long contentLength = in.readLong();
            if (contentLength < 16 || contentLength > MAX_CONTENT || contentLength > in.available()) {
                throw new BackupException("the archive's content length " + contentLength + " does not fit the file;"
                        + " it is cut short or changed");
            }
            byte[] ciphertext = in.readNBytes((int) contentLength);
            int signedLength = archive.length - in.available();
            int signatureLength = in.readInt();
            if (signatureLength < 8 || signatureLength != in.available()) {
                throw new BackupException("the archive's signature length does not fit the file; it is cut short or"
                        + " changed");
            }
            byte[] signature = in.readNBytes(signatureLength);
            JsonNode header = ProtocolJson.mapper().readTree(headerBytes);
            X509Certificate signer = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(decode("certificate", header)));
            Signature verifier = Signature.getInstance("SHA256withECDSA", provider);
            verifier.initVerify(signer.getPublicKey());
            verifier.update(archive, 0, signedLength);
            boolean valid;
            try {
                valid = verifier.verify(signature);
            } catch (java.security.SignatureException e) {
                valid = false;
            }
            if (!valid) {
                throw new BackupException("the archive's signature does not verify: the file was changed after "
                        + signer.getSubjectX500Principal() + " signed it");
            }
            Header parsed = new Header(text(header, "component"), text(header, "identity"),
                    Instant.parse(text(header, "createdAt")), signer);
            return new Verified(parsed, header, headerBytes, ciphertext);
        } catch (EOFException e) {
            throw new BackupException("the archive is cut short");
        } catch (JsonProcessingException e) {
            throw new BackupException("the archive's header is not JSON: " + e.getOriginalMessage());
        } catch (CertificateException e) {
            throw new BackupException("the archive's header carries no readable certificate: " + e.getMessage());
        } catch (DateTimeParseException e) {
            throw new BackupException("the archive's header has no valid createdAt: " + e.getParsedString());
        } catch (GeneralSecurityException | IOException e) {
            throw new BackupException("the archive cannot be read: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) throws BackupException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new BackupException("the archive's header has no field '" + field + "'");
        }
        return value.asText();
    }

    private static byte[] decode(String field, JsonNode node) throws BackupException {
        try {
            return Base64.getDecoder().decode(text(node, field));
        } catch (IllegalArgumentException e) {
            throw new BackupException("the archive's header field '" + field + "' is not base64");
        }
    }

    private static byte[] derive(char[] passphrase, byte[] salt, int memoryKiB, int passes) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(
                Argon2Parameters.ARGON2_VERSION_13).withSalt(salt).withMemoryAsKB(memoryKiB).withIterations(passes)
                .withParallelism(1).build());
        byte[] key = new byte[32];
        byte[] secret = new String(passphrase).getBytes(StandardCharsets.UTF_8);
        try {
            generator.generateBytes(secret, key);
            return key;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] serialize(Map<String, byte[]> files) throws BackupException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(files.size());
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            checkName(file.getKey());
            byte[] name = file.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length);
            out.write(name);
            out.writeLong(file.getValue().length);
            out.write(file.getValue());
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> entries(byte[] plaintext) throws BackupException {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext));
            int count = in.readInt();
            if (count < 0 || count > 10_000) {
                throw new BackupException("the archive says it holds " + count + " files");
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
                checkName(name);
                long length = in.readLong();
                if (length < 0 || length > in.available()) {
                    throw new BackupException("file " + name + " in the archive is cut short");
                }
                if (files.put(name, in.readNBytes((int) length)) != null) {
                    throw new BackupException("the archive holds " + name + " twice");
                }
            }
            return Collections.unmodifiableMap(files);
        } catch (IOException e) {
            throw new BackupException("the archive's contents are cut short");
        }
    }

    private static void checkName(String name) throws BackupException {
        if (!ENTRY.matcher(name).matches() || name.contains("..")) {
            throw new BackupException("'" + name + "' cannot be a file of a backup; expected a relative path of"
                    + " letters, digits, '_', '-' and '.' without '..'");
        }
    }

    /** SHA-256 of the archive, hex: a name for it in messages and logs. */
    public static String fingerprint(byte[] archive) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
