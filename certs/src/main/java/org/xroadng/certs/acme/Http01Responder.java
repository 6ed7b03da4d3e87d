package org.xroadng.certs.acme;

import java.io.Closeable;
import java.io.IOException;

/**
 * The client's side of an {@code http-01} challenge (RFC 8555 section 8.3): makes
 * {@code http://HOST/.well-known/acme-challenge/TOKEN} answer the key authorization until the
 * returned handle is closed.
 */
@FunctionalInterface
public interface Http01Responder {

    Closeable publish(String token, String keyAuthorization) throws IOException;
}
