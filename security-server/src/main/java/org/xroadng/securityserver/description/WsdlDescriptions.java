package org.xroadng.securityserver.description;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.conf.WsdlDescription;

/**
 * What an operator does with WSDL descriptions (admin API, CLI; X-Road's "add WSDL" of a client):
 * add one to a provider subsystem, from a URL or uploaded, and each SOAP operation in it becomes a
 * service of that subsystem pointing at the document's {@code soap:address}; refresh it, learning
 * which services came and went; delete it, with its services.
 *
 * <p>Guarantees: the document is read and parsed completely ({@link WsdlParser}) before anything
 * is written, so a bad one is refused with every problem named by its line and changes nothing;
 * the description and its services are stored in one transaction ({@link ServerConfStore}).
 */
public final class WsdlDescriptions {

    /** The timeout of the services a description makes, in seconds, until the operator changes it. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;

    private final ServerConfStore store;
    private final DescriptionFetcher fetcher;
    private final WsdlParser parser = new WsdlParser();

    public WsdlDescriptions(ServerConfStore store, DescriptionFetcher fetcher) {
        this.store = Objects.requireNonNull(store, "store");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /** Adds the description at {@code url}, which later refreshes read again. */
    public WsdlDescription addFromUrl(SubsystemId provider, String url, boolean personalData)
            throws ServerException, DescriptionException {
        URI source = ServiceDescriptions.url(url);
        byte[] content = fetcher.fetch(source);
        return add(provider, Optional.of(source), content, personalData);
    }

    /** Adds an uploaded description; it is refreshed by uploading again. */
    public WsdlDescription addContent(SubsystemId provider, byte[] content, boolean personalData)
            throws ServerException, DescriptionException {
        return add(provider, Optional.empty(), content, personalData);
    }

    private WsdlDescription add(SubsystemId provider, Optional<URI> source, byte[] content, boolean personalData)
            throws ServerException, DescriptionException {
        WsdlParser.Parsed parsed = parser.parse(content);
        return store.addWsdl(provider, source, content, parsed.operations(), parsed.endpoint(),
                DEFAULT_TIMEOUT_SECONDS, personalData);
    }

    /**
     * Reads description {@code id} again: from its URL ({@code content} must then be null), or the
     * {@code content} uploaded now in place of the one uploaded before.
     */
    public ServerConfStore.WsdlChange refresh(long id, byte[] content) throws ServerException, DescriptionException {
        WsdlDescription before = store.wsdl(id).orElseThrow(() ->
                ServerException.notFound("no WSDL description " + id + " on this server"));
        byte[] document = ServiceDescriptions.document("WSDL description " + id, before.source(), content, fetcher);
        WsdlParser.Parsed parsed = parser.parse(document);
        return store.replaceWsdl(id, document, parsed.operations(), parsed.endpoint());
    }

    public void delete(long id) throws ServerException {
        store.deleteWsdl(id);
    }
}
