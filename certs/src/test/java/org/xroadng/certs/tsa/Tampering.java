package org.xroadng.certs.tsa;

import org.bouncycastle.cms.CMSException;
import java.io.IOException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.tsp.TimeStampResponse;

/** Damages the signature inside a DER token or response while keeping the DER well-formed. */
final class Tampering {

    private Tampering() {
    }

    /** Flips the last byte of the ECDSA signature value (the low byte of {@code s}) in a DER token. */
    static byte[] flipLastSignatureByte(byte[] derToken) throws CMSException {
        SignerInformation signer = new CMSSignedData(derToken).getSignerInfos().getSigners().iterator().next();
        return flipLastByteOf(derToken, signer.getSignature());
    }

    /** The same inside a whole DER TimeStampResp. */
    static byte[] flipLastSignatureByteInResponse(byte[] derResponse) throws IOException, TSPException {
        CMSSignedData token = new TimeStampResponse(derResponse).getTimeStampToken().toCMSSignedData();
        return flipLastByteOf(derResponse, token.getSignerInfos().getSigners().iterator().next().getSignature());
    }

    private static byte[] flipLastByteOf(byte[] data, byte[] part) {
        int at = indexOf(data, part);
        if (at < 0) {
            throw new AssertionError("signature bytes not found");
        }
        byte[] copy = data.clone();
        copy[at + part.length - 1] ^= 0x01;
        return copy;
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
