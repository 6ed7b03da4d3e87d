package org.xroadng.protocol.globalconf;

import java.util.Objects;

/**
 * Where the signed global configuration comes from: the registry over HTTP in production
 * ({@link HttpConfigurationSource}), anything else in tests. A source only transports bytes; it
 * guarantees nothing about them, and {@link ConfigurationVerifier} decides whether they are trusted.
 */
public interface ConfigurationSource {

    /**
     * Fetches the signed configuration.
     *
     * @param ifNoneMatchEtag the entity tag of the copy the caller holds, or null for none; when it
     *                        is still current the source may answer {@link Download.Status#NOT_MODIFIED}
     *                        (RFC 9110 section 13.1.2)
     * @throws ConfigurationException with {@link ConfigurationException.Reason#DOWNLOAD_FAILED}
     *                                when nothing usable could be fetched
     */
    Download fetch(String ifNoneMatchEtag) throws ConfigurationException;

    /**
     * What a fetch returned: either a new body, or word that the caller's copy is still current.
     *
     * @param body the compact JWS as received; present exactly when the status is {@link Status#OK}
     * @param etag the entity tag of the body, or null when the source gave none
     */
    record Download(Status status, String body, String etag) {

        /** Whether a body came back. */
        public enum Status {
            OK,
            NOT_MODIFIED
        }

        public Download {
            Objects.requireNonNull(status, "status");
            if (status == Status.OK && body == null) {
                throw new IllegalArgumentException("a download with status OK needs a body");
            }
            if (status == Status.NOT_MODIFIED && body != null) {
                throw new IllegalArgumentException("a NOT_MODIFIED download has no body");
            }
        }

        public static Download of(String body, String etag) {
            return new Download(Status.OK, body, etag);
        }

        public static Download notModified(String etag) {
            return new Download(Status.NOT_MODIFIED, null, etag);
        }
    }
}
