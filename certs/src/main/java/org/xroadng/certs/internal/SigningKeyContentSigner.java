package org.xroadng.certs.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;

/**
 * A Bouncy Castle {@link ContentSigner} (SHA256withECDSA) over a {@link SigningKey}, so that
 * certificates, CSRs, OCSP responses and timestamps are signed without the key leaving its token.
 */
public final class SigningKeyContentSigner implements ContentSigner {

    private static final AlgorithmIdentifier ALGORITHM =
            new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");

    private final SigningKey key;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    public SigningKeyContentSigner(SigningKey key) {
        this.key = key;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return ALGORITHM;
    }

    @Override
    public OutputStream getOutputStream() {
        return buffer;
    }

    @Override
    public byte[] getSignature() {
        try {
            return key.sign(buffer.toByteArray());
        } catch (SigningException e) {
            throw new RuntimeOperatorException(e.getMessage(), e);
        } finally {
            buffer.reset();
        }
    }
}
