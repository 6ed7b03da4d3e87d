package org.xroadng.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** PEM (RFC 7468) reading and writing of certificates and certification requests. */
public final class Pem {

    private Pem() {
    }

    public static String encode(Object value) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as PEM", e);
        }
        return out.toString();
    }

    public static String encodeAll(List<?> values) {
        StringBuilder out = new StringBuilder();
        values.forEach(v -> out.append(encode(v)));
        return out.toString();
    }

    /**
     * Every certificate in PEM text; throws {@link CertificateException} when there is none or one is
     * bad, with a message for the person who gave the text (no parser or class names).
     */
    public static List<X509Certificate> certificates(String pem) throws CertificateException {
        if (pem == null || pem.isBlank()) {
            throw new CertificateException("expected a PEM certificate (-----BEGIN CERTIFICATE-----), got "
                    + (pem == null || pem.isEmpty() ? "an empty body" : "only white space"));
        }
        List<X509Certificate> out = new ArrayList<>();
        for (PemObject object : objects(pem, "certificate")) {
            if (!object.getType().equals("CERTIFICATE")) {
                throw new CertificateException("expected PEM blocks of type CERTIFICATE, found " + object.getType());
            }
            out.add(certificate(object.getContent()));
        }
        if (out.isEmpty()) {
            throw new CertificateException("expected a PEM certificate (-----BEGIN CERTIFICATE-----), got text"
                    + " without any PEM block");
        }
        return out;
    }

    public static X509Certificate certificate(String pem) throws CertificateException {
        return certificates(pem).get(0);
    }

    public static X509Certificate readCertificate(Path file) throws IOException, CertificateException {
        return certificate(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** An X.509 certificate from DER; the exception's message names no parser or class. */
    public static X509Certificate certificate(byte[] der) throws CertificateException {
        if (der.length == 0) {
            throw new CertificateException("expected a DER X.509 certificate, got no bytes");
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try {
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            // The JDK's message is "Could not parse certificate: java.io.IOException: ...".
            throw new CertificateException("expected a DER X.509 certificate; the " + der.length
                    + " bytes given are not one", e);
        }
    }

    /** A PKCS#10 request from PEM ({@code CERTIFICATE REQUEST} or {@code NEW CERTIFICATE REQUEST}) or DER. */
    public static PKCS10CertificationRequest csr(byte[] pemOrDer) throws IOException {
        String text = new String(pemOrDer, StandardCharsets.US_ASCII);
        if (text.isBlank()) {
            throw new IOException("expected a PEM certification request (-----BEGIN CERTIFICATE REQUEST-----) or DER,"
                    + " got " + (pemOrDer.length == 0 ? "an empty body" : "only white space"));
        }
        byte[] der = pemOrDer;
        if (text.contains("-----BEGIN")) {
            List<PemObject> objects = objects(text, "certification request");
            if (objects.isEmpty() || !objects.get(0).getType().endsWith("CERTIFICATE REQUEST")) {
                throw new IOException("expected a PEM block of type CERTIFICATE REQUEST");
            }
            der = objects.get(0).getContent();
        }
        try {
            return new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle's messages may name ASN.1 classes ("malformed data: class ... cannot be cast").
            throw new IOException("expected a PKCS#10 certification request; the " + der.length
                    + " bytes given are not one", e);
        }
    }

    private static List<PemObject> objects(String pem, String what) {
        List<PemObject> out = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject object;
            while ((object = reader.readPemObject()) != null) {
                out.add(object);
            }
        } catch (IOException e) {
            // PemReader's own messages ("-----END CERTIFICATE not found") name no class.
            throw new IllegalArgumentException("malformed PEM " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Bouncy Castle's base64 DecoderException (an IllegalStateException) and the like.
            throw new IllegalArgumentException("malformed PEM " + what + ": the text between the BEGIN and END"
                    + " lines is not valid base64", e);
        }
        return out;
    }
}
