package org.xroadng.securityserver.description;

import java.net.URI;

/** Reads a service description from where the operator said it is. */
@FunctionalInterface
public interface DescriptionFetcher {

    /**
     * The document at {@code url}, as its server sent it, at most {@link OpenApiParser#MAX_BYTES}.
     *
     * @throws DescriptionException {@link DescriptionException.Kind#UNAVAILABLE} when it cannot be
     *                              read: no answer, not 200, too large
     */
    byte[] fetch(URI url) throws DescriptionException;
}
