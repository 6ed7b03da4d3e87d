package org.xroadng.protocol.globalconf;

import java.net.URI;
import java.util.Objects;

/**
 * What a security server is given out of band to trust a registry: the instance, where the global
 * configuration is downloaded, and the certificate (base64 DER) whose key must sign it. The anchor
 * file is pinned by its SHA-256 fingerprint, which the operator compares with the one the registry
 * printed.
 */
public record Anchor(String instance, URI downloadUrl, String configurationSigningCertificate) {

    public Anchor {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(downloadUrl, "downloadUrl");
        Objects.requireNonNull(configurationSigningCertificate, "configurationSigningCertificate");
    }
}
