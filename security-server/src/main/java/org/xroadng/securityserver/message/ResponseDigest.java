package org.xroadng.securityserver.message;

import java.util.List;
import java.util.Objects;

/**
 * The signed summary of a response: the payload of the provider's {@code X-Road-Signature}.
 * {@code requestHash} is the base64url SHA-256 of the request's compact JWS, binding this response
 * to exactly that request. {@code dataSubjects} are the persons the provider's IS named in
 * {@code X-Road-Data-Subject}: the provider's server strips that header, so the consumer's server
 * learns them only from here, signed, and records them in its own access event too (DESIGN.md
 * section 7: both sides record every exchange that names a subject). Absent means none.
 * Made field by name with {@link #builder()}.
 */
public record ResponseDigest(int v, String id, int status, String headersSha256, String bodySha256,
                             String requestHash, List<String> dataSubjects, long iat) implements MessageSummary {

    public ResponseDigest {
        dataSubjects = dataSubjects == null ? List.of() : List.copyOf(dataSubjects);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(headersSha256, "headersSha256");
        Objects.requireNonNull(bodySha256, "bodySha256");
        Objects.requireNonNull(requestHash, "requestHash");
    }

    /** A builder for version {@value RequestDigest#VERSION}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ResponseDigest} field by name. */
    public static final class Builder {
        private int v = RequestDigest.VERSION;
        private String id;
        private int status;
        private String headersSha256;
        private String bodySha256;
        private String requestHash;
        private List<String> dataSubjects = List.of();
        private long iat;

        private Builder() {
        }

        public Builder v(int v) {
            this.v = v;
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        public Builder headersSha256(String headersSha256) {
            this.headersSha256 = headersSha256;
            return this;
        }

        public Builder bodySha256(String bodySha256) {
            this.bodySha256 = bodySha256;
            return this;
        }

        public Builder requestHash(String requestHash) {
            this.requestHash = requestHash;
            return this;
        }

        public Builder dataSubjects(List<String> dataSubjects) {
            this.dataSubjects = dataSubjects;
            return this;
        }

        public Builder iat(long iat) {
            this.iat = iat;
            return this;
        }

        public ResponseDigest build() {
            return new ResponseDigest(v, id, status, headersSha256, bodySha256, requestHash, dataSubjects, iat);
        }
    }
}
