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

    /** Every certificate in PEM text; throws {@link CertificateException} when there is none or one is bad. */
    public static List<X509Certificate> certificates(String pem) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        for (PemObject object : objects(pem, "certificate")) {
            if (!object.getType().equals("CERTIFICATE")) {
                throw new CertificateException("expected PEM blocks of type CERTIFICATE, found " + object.getType());
            }
            out.add(certificate(object.getContent()));
        }
        if (out.isEmpty()) {
            throw new CertificateException("no PEM certificate found; expected -----BEGIN CERTIFICATE-----");
        }
        return out;
    }

    public static X509Certificate certificate(String pem) throws CertificateException {
        return certificates(pem).get(0);
    }

    public static X509Certificate readCertificate(Path file) throws IOException, CertificateException {
        return certificate(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** An X.509 certificate from DER. */
    public static X509Certificate certificate(byte[] der) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    }

    /** A PKCS#10 request from PEM ({@code CERTIFICATE REQUEST} or {@code NEW CERTIFICATE REQUEST}) or DER. */
    public static PKCS10CertificationRequest csr(byte[] pemOrDer) throws IOException {
        String text = new String(pemOrDer, StandardCharsets.US_ASCII);
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
            throw new IOException("not a PKCS#10 certification request: " + e.getMessage(), e);
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
            throw new IllegalArgumentException("malformed PEM " + what + ": " + e.getMessage(), e);
        }
        return out;
    }
}
