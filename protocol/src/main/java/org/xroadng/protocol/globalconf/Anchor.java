package org.xroadng.protocol.globalconf;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What a security server is given out of band to trust a registry: the instance, where the global
 * configuration is downloaded, and the certificate (base64 DER) whose key must sign it. The anchor
 * file is pinned by its SHA-256 fingerprint, which the operator compares with the one the registry
 * printed.
 *
 * <p>While the registry rotates its configuration signing key, the anchor also names the next
 * key's certificate, and configurations signed by either are accepted. Servers learn the next
 * certificate from a configuration signed by the current key
 * ({@link GlobalConfiguration#nextConfigurationSigningCertificate()}) and drop the old one once a
 * configuration signed by the next key has been accepted ({@link #rotatedBy}).
 *
 * @param nextConfigurationSigningCertificate the next key's certificate (base64 DER), or null
 */
public record Anchor(String instance, URI downloadUrl, String configurationSigningCertificate,
                     String nextConfigurationSigningCertificate) {

    public Anchor {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(downloadUrl, "downloadUrl");
        Objects.requireNonNull(configurationSigningCertificate, "configurationSigningCertificate");
        if (configurationSigningCertificate.equals(nextConfigurationSigningCertificate)) {
            nextConfigurationSigningCertificate = null;
        }
    }

    /** An anchor with no rotation under way. */
    public Anchor(String instance, URI downloadUrl, String configurationSigningCertificate) {
        this(instance, downloadUrl, configurationSigningCertificate, null);
    }

    /** The certificates whose keys may sign a configuration: the current one, then the next if any. */
    public List<String> signingCertificates() {
        return nextConfigurationSigningCertificate == null ? List.of(configurationSigningCertificate)
                : List.of(configurationSigningCertificate, nextConfigurationSigningCertificate);
    }

    /**
     * The anchor after accepting a configuration signed with {@code signer}'s key (one of
     * {@link #signingCertificates}) that announces {@code announcedNext} (or null): the signer is
     * the current certificate, the announced one the next. So a configuration signed by the next
     * key ends the overlap, and one signed by the current key can start or withdraw a rotation.
     */
    public Anchor rotatedBy(String signer, String announcedNext) {
        if (!signingCertificates().contains(signer)) {
            throw new IllegalArgumentException("the signer is not one of the anchor's configuration signing certificates");
        }
        return new Anchor(instance, downloadUrl, signer, announcedNext);
    }
}
