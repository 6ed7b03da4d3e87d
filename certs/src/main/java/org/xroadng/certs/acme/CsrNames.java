package org.xroadng.certs.acme;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The subject alternative names a finalize CSR asks for (PKCS#9 extensionRequest, RFC 2986): its
 * {@code urn:xroad:} URIs and its DNS names and IP addresses as identifiers, so that they can be
 * compared with the order's (RFC 8555 section 7.4). Any other kind of name is refused.
 */
record CsrNames(List<String> uris, Set<AcmeIdentifier> hosts) {

    static CsrNames of(byte[] der) throws AcmeException {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw new AcmeException(AcmeError.BAD_CSR, "the csr is not a DER PKCS#10 request: " + e.getMessage());
        }
        List<String> uris = new ArrayList<>();
        Set<AcmeIdentifier> hosts = new HashSet<>();
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var value : attribute.getAttrValues()) {
                Extensions extensions = Extensions.getInstance(value);
                Extension san = extensions.getExtension(Extension.subjectAlternativeName);
                if (san == null) {
                    continue;
                }
                for (GeneralName name : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
                    switch (name.getTagNo()) {
                        case GeneralName.uniformResourceIdentifier -> uris.add(name.getName().toString());
                        case GeneralName.dNSName -> hosts.add(host(AcmeIdentifier.DNS,
                                name.getName().toString().toLowerCase(Locale.ROOT)));
                        case GeneralName.iPAddress -> hosts.add(host(AcmeIdentifier.IP, ip(name)));
                        default -> throw new AcmeException(AcmeError.BAD_CSR, "the CSR asks for a subject alternative"
                                + " name of type " + name.getTagNo() + "; only a urn:xroad: URI, DNS names and IP"
                                + " addresses are allowed");
                    }
                }
            }
        }
        return new CsrNames(List.copyOf(uris), Set.copyOf(hosts));
    }

    private static AcmeIdentifier host(String type, String value) throws AcmeException {
        try {
            return new AcmeIdentifier(type, value);
        } catch (IllegalArgumentException e) {
            throw new AcmeException(AcmeError.BAD_CSR, "the CSR names a bad host: " + e.getMessage());
        }
    }

    private static String ip(GeneralName name) throws AcmeException {
        try {
            byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new AcmeException(AcmeError.BAD_CSR, "the CSR names a malformed IP address");
        }
    }
}
