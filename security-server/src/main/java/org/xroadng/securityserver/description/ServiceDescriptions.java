package org.xroadng.securityserver.description;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.conf.ServiceDescription;
import org.xroadng.securityserver.conf.ServiceEndpoint;

/**
 * What an operator does with service descriptions (admin API, CLI): add an OpenAPI 3 description
 * to a service, from a URL or uploaded; refresh it, learning which endpoints came and went; delete
 * it.
 *
 * <p>Guarantees: a document is read and parsed completely ({@link OpenApiParser}) before anything
 * is written, so a bad one is refused with every problem named and stores nothing; what is stored
 * goes through {@link ServerConfStore} in one transaction with its audit row, so the other nodes of
 * a clustered server pick it up.
 */
public final class ServiceDescriptions {

    /** A refresh: the description now, and the endpoints it added and removed. */
    public record Refreshed(ServiceDescription description, List<ServiceEndpoint> added, List<ServiceEndpoint> removed) {
        public Refreshed {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }
    }

    private final ServerConfStore store;
    private final DescriptionFetcher fetcher;
    private final OpenApiParser parser = new OpenApiParser();

    public ServiceDescriptions(ServerConfStore store, DescriptionFetcher fetcher) {
        this.store = Objects.requireNonNull(store, "store");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /** Adds the description at {@code url}, which later refreshes read again. */
    public ServiceDescription addFromUrl(ServiceId service, String url) throws ServerException, DescriptionException {
        URI source = url(url);
        requireService(service);
        byte[] content = fetcher.fetch(source);
        OpenApiParser.Parsed parsed = parser.parse(content);
        return store.addDescription(service, Optional.of(source), content, parsed.contentType(), parsed.endpoints());
    }

    /** Adds an uploaded description; it is refreshed by uploading again. */
    public ServiceDescription addContent(ServiceId service, byte[] content) throws ServerException, DescriptionException {
        requireService(service);
        OpenApiParser.Parsed parsed = parser.parse(content);
        return store.addDescription(service, Optional.empty(), content, parsed.contentType(), parsed.endpoints());
    }

    /**
     * Reads the description again: from its URL ({@code content} must then be null), or the
     * {@code content} uploaded now in place of the one uploaded before.
     */
    public Refreshed refresh(ServiceId service, byte[] content) throws ServerException, DescriptionException {
        ServiceDescription before = store.current().description(service).orElseThrow(() ->
                ServerException.notFound("service " + service + " has no description on this server; add one"));
        byte[] document = document("the description of " + service, before.source(), content, fetcher);
        OpenApiParser.Parsed parsed = parser.parse(document);
        List<ServiceEndpoint> old = store.replaceDescription(service, document, parsed.contentType(), parsed.endpoints());
        List<ServiceEndpoint> added = new ArrayList<>(parsed.endpoints());
        added.removeAll(old);
        List<ServiceEndpoint> removed = new ArrayList<>(old);
        removed.removeAll(parsed.endpoints());
        ServiceDescription now = store.current().description(service).orElseThrow();
        return new Refreshed(now, added, removed);
    }

    /**
     * The document a refresh reads: from {@code source} when the description has one ({@code content}
     * must then be null), else the {@code content} uploaded now.
     */
    static byte[] document(String what, Optional<URI> source, byte[] content, DescriptionFetcher fetcher)
            throws ServerException, DescriptionException {
        if (source.isPresent()) {
            if (content != null) {
                throw ServerException.badRequest(what + " is read from " + source.get() + " and refreshed from there;"
                        + " to upload one instead, delete it and add the upload");
            }
            return fetcher.fetch(source.get());
        }
        if (content == null) {
            throw ServerException.badRequest(what + " was uploaded; refresh it by uploading the new document");
        }
        return content;
    }

    public void delete(ServiceId service) throws ServerException {
        store.deleteDescription(service);
    }

    private void requireService(ServiceId service) throws ServerException {
        if (store.current().service(service).isEmpty()) {
            throw ServerException.notFound("no service " + service + " on this server; add it first");
        }
    }

    /** An absolute http(s) URL with a host and no user information (a query is allowed). */
    static URI url(String text) throws ServerException {
        if (text != null) {
            try {
                URI uri = new URI(text);
                if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawFragment() == null
                        && text.length() <= 2000) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
        }
        throw ServerException.badRequest("url '" + text + "' is not an absolute http(s) URL with a host, without user"
                + " information or fragment, of at most 2000 characters", "http(s)://host[:port]/path[?query]",
                String.valueOf(text));
    }
}
