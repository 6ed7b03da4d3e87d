package org.xroadng.securityserver.description;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Documents "on the web" for the tests: what a URL serves now, and UNAVAILABLE for any other. */
final class PublishedDocuments implements DescriptionFetcher {

    private final Map<URI, byte[]> documents = new HashMap<>();

    void put(URI url, byte[] content) {
        documents.put(url, content.clone());
    }

    @Override
    public byte[] fetch(URI url) throws DescriptionException {
        byte[] content = documents.get(url);
        if (content == null) {
            throw new DescriptionException(DescriptionException.Kind.UNAVAILABLE, "nothing at " + url);
        }
        return content.clone();
    }
}
