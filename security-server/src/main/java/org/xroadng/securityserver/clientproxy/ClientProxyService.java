package org.xroadng.securityserver.clientproxy;

import io.netty.handler.codec.http.FullHttpResponse;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.LogRefusals;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.ExchangeListener;
import org.xroadng.securityserver.Responses;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.http.BudgetExceededException;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.securityserver.message.HeaderFilter;
import org.xroadng.securityserver.message.RestrictionHeader;
import org.xroadng.securityserver.message.MessageSigner;
import org.xroadng.securityserver.message.MessageSigningException;
import org.xroadng.securityserver.message.MessageVerificationException;
import org.xroadng.securityserver.message.MessageVerifier;
import org.xroadng.securityserver.message.ProtocolHeaders;
import org.xroadng.securityserver.message.RequestDigest;
import org.xroadng.securityserver.message.ResponseCheck;
import org.xroadng.securityserver.message.ResponseDigest;
import org.xroadng.securityserver.message.RestPath;
import org.xroadng.securityserver.message.RestRequestHash;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.transport.HttpExchangeClient;
import org.xroadng.securityserver.transport.PeerClient;
import org.xroadng.securityserver.transport.RequestNotSentException;

/**
 * The consumer side of an exchange (DESIGN.md section 6): validates the information system's
 * request (target, protocol headers, that the client is hosted here and authenticated), signs it
 * as the client's member, sends it to a server hosting the service, then verifies the provider's
 * signature, its binding to this request and every digest before the answer reaches the
 * information system with {@code X-Road-Request-Hash}.
 *
 * <p>Which server: the one named in {@code X-Road-Security-Server}, and no other; else the
 * servers hosting the provider's subsystem in the order {@link ProviderServers} gives (spread
 * over the healthy ones). The request goes to the next server only when it was not sent to the
 * one before ({@link RequestNotSentException}: no connection, a failed TLS handshake, a pooled
 * connection found closed); a failure once it was sent is answered as it is, since the provider
 * may have acted on the request.
 */
public final class ClientProxyService {

    private static final Logger LOG = LoggerFactory.getLogger(ClientProxyService.class);
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(120);

    private final Supplier<LocalConfiguration> localConf;
    private final GlobalConfHolder globalConf;
    private final MessageSigner signer;
    private final MessageVerifier verifier;
    private final PeerClient peers;
    private final ProviderServers providerServers;
    private final MessageLog messageLog;
    private final ExchangeListener listener;
    private final Clock clock;

    public ClientProxyService(Supplier<LocalConfiguration> localConf, GlobalConfHolder globalConf, MessageSigner signer,
                              MessageVerifier verifier, PeerClient peers, ProviderServers providerServers,
                              MessageLog messageLog, ExchangeListener listener, Clock clock) {
        this.localConf = localConf;
        this.globalConf = globalConf;
        this.signer = signer;
        this.verifier = verifier;
        this.peers = peers;
        this.providerServers = providerServers;
        this.messageLog = messageLog;
        this.listener = listener;
        this.clock = clock;
    }

    /** A request checked and summarised, ready to sign. */
    private record Prepared(IncomingRequest request, RestPath target, ProtocolHeaders headers, RequestDigest digest,
                            TrustedConfiguration trusted, List<GlobalConfiguration.SecurityServer> hosts,
                            List<Map.Entry<String, String>> endToEnd) {

        Outgoing signed(String signature, String requestId) {
            return new Outgoing(request, target, headers, requestId, signature, trusted, hosts, endToEnd);
        }
    }

    /** A signed request ready to send. */
    private record Outgoing(IncomingRequest request, RestPath target, ProtocolHeaders headers, String requestId,
                            String signature, TrustedConfiguration trusted, List<GlobalConfiguration.SecurityServer> hosts,
                            List<Map.Entry<String, String>> endToEnd) {
    }

    /** Answers one information system request; never completes exceptionally. */
    public CompletableFuture<FullHttpResponse> handle(IncomingRequest request) {
        long start = System.nanoTime();
        listener.exchangeStarted(ExchangeListener.Side.CONSUMER);
        Prepared prepared;
        try {
            if (listener.stopping()) {
                throw new ExchangeException(ErrorType.CLIENT_PROXY_OVERLOADED, "the security server is stopping;"
                        + " send the request again, to another security server of the client if there is one");
            }
            prepared = prepare(request);
        } catch (ExchangeException e) {
            return CompletableFuture.completedFuture(fail(e, request, request.header(XRoadHeaders.ID).orElse(null),
                    start));
        }
        return signer.sign(prepared.headers().client().member(), prepared.digest(), prepared.trusted())
                .handle((signature, error) -> error == null
                        ? exchange(prepared.signed(signature, UUID.randomUUID().toString()), start)
                        : CompletableFuture.completedFuture(fail(unwrap(error), request,
                                prepared.headers().id(), start)))
                .thenCompose(answer -> answer);
    }

    /**
     * The error answer, in JSON, for a request another edge of the client proxy refused before it
     * became an exchange (the SOAP profile's reading of the message), counted as a failed exchange
     * like every refusal here.
     */
    public FullHttpResponse refuse(ExchangeException e) {
        listener.exchangeStarted(ExchangeListener.Side.CONSUMER);
        listener.exchangeFailed(ExchangeListener.Side.CONSUMER, e.type(), 0);
        return Responses.error(e, null, "application/json");
    }

    private CompletableFuture<FullHttpResponse> exchange(Outgoing outgoing, long start) {
        listener.signature(ExchangeListener.Side.CONSUMER, true);
        List<GlobalConfiguration.SecurityServer> order = outgoing.headers().securityServer().isPresent()
                ? outgoing.hosts() : providerServers.order(outgoing.hosts());
        return send(outgoing, order, 0)
                .thenCompose(answered -> answer(outgoing, answered))
                .thenApply(response -> {
                    listener.exchangeCompleted(ExchangeListener.Side.CONSUMER, response.status().code(),
                            System.nanoTime() - start);
                    return response;
                })
                .exceptionally(e -> fail(unwrap(e), outgoing.request(), outgoing.headers().id(), start));
    }

    private Prepared prepare(IncomingRequest request) throws ExchangeException {
        RestPath target = RestPath.parse(request.target());
        ProtocolHeaders headers = ProtocolHeaders.parse(request);
        requested(request.headers());
        LocalConfiguration local = localConf.get();
        // A member calls without a subsystem through the servers it owns now (after an ownerChange,
        // the global configuration's owner, not the member the server's identifier names).
        MemberId owner = headers.client() instanceof MemberId
                ? globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF).ownerOf(local.serverId())
                        .orElse(local.serverId().owner())
                : local.serverId().owner();
        LocalConfiguration.HostedClient client = local.hostedClient(headers.client(), owner).orElseThrow(() -> new ExchangeException(
                ErrorType.CLIENT_UNKNOWN_MEMBER, headers.client().format() + " is not a client of this security server"
                + (headers.client() instanceof MemberId ? " (a member calls without a subsystem only through the"
                + " security servers it owns)" : "")));
        authenticate(client, request);
        TrustedConfiguration trusted = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF);
        LogRefusals.checkAccepting(messageLog, LogRefusals.CLIENT_PROXY);
        List<GlobalConfiguration.SecurityServer> hosts = trusted.serversHosting(target.service().subsystem());
        if (headers.securityServer().isPresent()) {
            hosts = hosts.stream().filter(s -> s.id().equals(headers.securityServer().get())).toList();
            if (hosts.isEmpty()) {
                throw new ExchangeException(ErrorType.CLIENT_INVALID_SECURITY_SERVER, "security server "
                        + headers.securityServer().get().format() + " named in " + XRoadHeaders.SECURITY_SERVER
                        + " does not host " + target.service().subsystem().format());
            }
        }
        if (hosts.isEmpty()) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_UNKNOWN_MEMBER,
                    trusted.disabled(target.service().subsystem())
                            ? target.service().subsystem().format() + " is disabled (clientDisable) on every security"
                            + " server hosting it"
                            : "no security server in the global configuration hosts "
                            + target.service().subsystem().format());
        }
        List<Map.Entry<String, String>> endToEnd = HeaderFilter.endToEnd(request.headers());
        RequestDigest digest = RequestDigest.of(request, target, headers, endToEnd, clock.instant().getEpochSecond());
        return new Prepared(request, target, headers, digest, trusted, hosts, endToEnd);
    }

    /**
     * The restriction the IS asks for in {@code X-Road-Restriction} (DESIGN.md section 7), held to
     * the header's form; the kind of authority is the provider's server's to state. One pass over
     * the headers when there is none.
     */
    private static Optional<RestrictionHeader> requested(List<Map.Entry<String, String>> headers)
            throws ExchangeException {
        Optional<RestrictionHeader> asked;
        try {
            asked = RestrictionHeader.find(headers);
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, e.getMessage());
        }
        if (asked.isPresent() && asked.get().authority() != null) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, XRoadHeaders.RESTRICTION + " names an"
                    + " authority; the provider's security server states it from the access right, so ask with"
                    + " <legal basis code>;disclose=<date> only");
        }
        return asked;
    }

    /**
     * The restriction this server logs the exchange under: the one the provider's server signed in
     * its answer ({@code answerHeaders}, null for a refusal), else, when the IS asked for one, that
     * one with the authority {@value #UNCONFIRMED} (the provider's server did not confirm it: it
     * refused, or does not restrict), so the consumer's record is never the one that discloses it.
     */
    private static Restriction restrictionOf(Outgoing out, List<Map.Entry<String, String>> answerHeaders)
            throws ExchangeException {
        Optional<RestrictionHeader> answered = Optional.empty();
        if (answerHeaders != null) {
            try {
                answered = RestrictionHeader.find(answerHeaders);
            } catch (IllegalArgumentException e) {
                throw new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's answer carries a"
                        + " malformed header: " + e.getMessage());
            }
        }
        if (answered.isPresent() && answered.get().restriction().isPresent()) {
            return answered.get().restriction().get();
        }
        Optional<RestrictionHeader> asked = requested(out.request().headers());
        return asked.map(a -> new Restriction(UNCONFIRMED, a.legalBasis(), a.discloseAt())).orElse(null);
    }

    /** The kind of authority of a restricted access the provider's server did not confirm. */
    static final String UNCONFIRMED = "unconfirmed";

    private static void authenticate(LocalConfiguration.HostedClient client, IncomingRequest request) throws ExchangeException {
        if (client.authentication() == LocalClient.IsAuthentication.HTTP) {
            return;
        }
        if (request.peerCertificate() == null) {
            throw new ExchangeException(ErrorType.CLIENT_AUTHENTICATION_FAILED, "client " + client.id().format()
                    + " must connect over HTTPS with its registered information system certificate");
        }
        if (!client.pinnedCertificateHashes().contains(AuthCertificateTrustManager.hash(request.peerCertificate()))) {
            throw new ExchangeException(ErrorType.CLIENT_AUTHENTICATION_FAILED, "the TLS certificate "
                    + request.peerCertificate().getSubjectX500Principal() + " is not registered for client "
                    + client.id().format());
        }
    }

    /** A provider server's answer and which server gave it. */
    private record Answered(GlobalConfiguration.SecurityServer host, HttpExchangeClient.Answer response) {
    }

    /**
     * Sends to order[index]; when the request could not be sent there, to the next server in
     * {@code order}. Once it was sent, its failure is the answer.
     */
    private CompletableFuture<Answered> send(Outgoing out, List<GlobalConfiguration.SecurityServer> order, int index) {
        GlobalConfiguration.SecurityServer host = order.get(index);
        ProviderServers.Attempt attempt = providerServers.begin(host);
        return peers.send(host.address(), request(out), PEER_TIMEOUT, out.trusted().peerTrustFingerprint(),
                        out.trusted().configuration().version(), out.request().reservation())
                .handle((response, error) -> {
                    if (error == null && refusedUnprocessed(response)) {
                        // the provider's server refused before its IS saw anything: safe to send elsewhere
                        attempt.notSent();
                        if (index + 1 < order.size()) {
                            LOG.debug("security server {} refused the request unprocessed ({}), trying the next",
                                    host.id(), response.header(XRoadHeaders.ERROR).orElse(""));
                            listener.providerServerFailover();
                            return send(out, order, index + 1);
                        }
                        return CompletableFuture.completedFuture(new Answered(host, response));
                    }
                    if (error == null) {
                        attempt.answered(response.connectNanos());
                        return CompletableFuture.completedFuture(new Answered(host, response));
                    }
                    ExchangeException failure = transportFailure(host, error);
                    if (!RequestNotSentException.isNotSent(error)) {
                        attempt.failedAfterSending();
                        return CompletableFuture.<Answered>failedFuture(failure);
                    }
                    attempt.notSent();
                    if (index + 1 >= order.size()) {
                        return CompletableFuture.<Answered>failedFuture(failure);
                    }
                    LOG.debug("request not sent to security server {}, trying the next: {}", host.id(),
                            failure.getMessage());
                    listener.providerServerFailover();
                    return send(out, order, index + 1);
                }).thenCompose(f -> f);
    }

    /**
     * An answer by which the provider's server says it did not process the request at all: 503
     * {@code Server.ServerProxy.Overloaded}, given before the request reaches its IS (its memory
     * budget is spent, or it is stopping). Over mutual TLS only that server can have said so.
     */
    private static boolean refusedUnprocessed(HttpExchangeClient.Answer answer) {
        return answer.status() == ErrorType.SERVER_PROXY_OVERLOADED.httpStatus()
                && answer.header(XRoadHeaders.ERROR).map(ErrorType.SERVER_PROXY_OVERLOADED.code()::equals)
                .orElse(false);
    }

    private static HttpExchangeClient.Request request(Outgoing out) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(out.endToEnd());
        ProtocolHeaders h = out.headers();
        headers.add(Map.entry(XRoadHeaders.CLIENT, h.client().format()));
        headers.add(Map.entry(XRoadHeaders.ID, h.id()));
        headers.add(Map.entry(XRoadHeaders.REQUEST_ID, out.requestId()));
        headers.add(Map.entry(XRoadHeaders.SIGNATURE, out.signature()));
        h.addOptionalTo(headers);
        return new HttpExchangeClient.Request(out.request().method(), out.request().target(), headers,
                out.request().body());
    }

    private CompletableFuture<FullHttpResponse> answer(Outgoing out, Answered answered) {
        HttpExchangeClient.Answer response = answered.response();
        try {
            checkPeer(answered, out.trusted());
            List<Map.Entry<String, String>> endToEnd = HeaderFilter.endToEnd(response.headers());
            byte[] body = response.body();
            if (response.header(XRoadHeaders.ERROR).isPresent()) {
                String refusal = refusal(response.header(XRoadHeaders.ERROR).get());
                List<Map.Entry<String, String>> headers = new ArrayList<>(endToEnd);
                headers.add(Map.entry(XRoadHeaders.ERROR, refusal));
                FullHttpResponse refused = Responses.of(response.status(), headers, body);
                ProtocolHeaders h = out.headers();
                ExchangeRecord attempt = new ExchangeRecord("consumer", h.id(), out.requestId(), h.client(),
                        out.target().service(), out.request().method(), out.target().path(), h.userId(), h.issue(),
                        h.purpose(), h.subjects(), List.of(), out.signature(), out.request().body(), null, body,
                        response.status(), clock.instant(), restrictionOf(out, null));
                return LogRefusals.withinDeadline(messageLog.refused(attempt, refusal)).thenApply(done -> refused);
            }
            String signature = response.header(XRoadHeaders.SIGNATURE).orElseThrow(() ->
                    new ExchangeException(ErrorType.CLIENT_PROXY_INVALID_SIGNATURE, "the provider's answer carries no "
                            + XRoadHeaders.SIGNATURE));
            MessageVerifier.Verified<ResponseDigest> verified = verify(signature, out.trusted());
            listener.signature(ExchangeListener.Side.CONSUMER, false);
            ResponseCheck.check(out.target().service().subsystem().member(), out.signature(), out.headers().id(),
                    verified, response.status(), endToEnd, body);
            List<String> dataSubjects = signedDataSubjects(verified.summary());
            List<Map.Entry<String, String>> headers = new ArrayList<>(endToEnd);
            headers.add(Map.entry(XRoadHeaders.CLIENT, out.headers().client().format()));
            headers.add(Map.entry(XRoadHeaders.SERVICE, out.target().service().format()));
            headers.add(Map.entry(XRoadHeaders.ID, out.headers().id()));
            headers.add(Map.entry(XRoadHeaders.REQUEST_ID, out.requestId()));
            headers.add(Map.entry(XRoadHeaders.REQUEST_HASH, RestRequestHash.of(out.request())));
            FullHttpResponse answer = Responses.of(response.status(), headers, body);
            ProtocolHeaders h = out.headers();
            ExchangeRecord record = new ExchangeRecord("consumer", h.id(), out.requestId(), h.client(),
                    out.target().service(), out.request().method(), out.target().path(), h.userId(), h.issue(),
                    h.purpose(), h.subjects(), dataSubjects, out.signature(), out.request().body(), signature, body,
                    response.status(), clock.instant(), restrictionOf(out, endToEnd));
            return LogRefusals.withinDeadline(messageLog.append(record)).thenApply(done -> answer);
        } catch (ExchangeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private MessageVerifier.Verified<ResponseDigest> verify(String signature, TrustedConfiguration trusted)
            throws ExchangeException {
        try {
            return verifier.verify(signature, ResponseDigest.class, trusted);
        } catch (MessageVerificationException e) {
            ErrorType type = e.reason() == MessageVerificationException.Reason.CERTIFICATE_STATUS_UNAVAILABLE
                    ? ErrorType.CLIENT_PROXY_CERTIFICATE_STATUS_UNAVAILABLE : ErrorType.CLIENT_PROXY_INVALID_SIGNATURE;
            throw new ExchangeException(type, e.getMessage());
        }
    }

    /**
     * The data subjects the provider's signed answer names (its IS's {@code X-Road-Data-Subject}),
     * held to the rules of the header itself; a provider naming malformed ones is refused like any
     * answer that fails verification, so nothing unexpected reaches the access log.
     */
    private static List<String> signedDataSubjects(ResponseDigest digest) throws ExchangeException {
        try {
            return ProtocolHeaders.subjects(digest.dataSubjects(), "dataSubjects");
        } catch (ExchangeException e) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_INVALID_SIGNATURE, "the provider's signed answer"
                    + " names data subjects that are not allowed: " + e.getMessage());
        }
    }

    /**
     * The error type a provider's server named, as the access log records it: a known wire type
     * as is; anything else (a misbehaving peer) reduced to printable ASCII, at most 100 characters.
     */
    private static String refusal(String header) {
        String text = header.strip();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 100; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return out.length() == 0 ? "unknown" : out.toString();
    }

    /**
     * The connection may have been opened under an older configuration (connections are pooled):
     * the server that answered must still be registered with the certificate it authenticated with.
     */
    private static void checkPeer(Answered answered, TrustedConfiguration trusted) throws ExchangeException {
        GlobalConfiguration.SecurityServer host = answered.host();
        boolean registered = trusted.authenticates(host.id(), answered.response().peer());
        if (!registered) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_SSL_AUTHENTICATION_FAILED, "security server "
                    + host.id().format() + " answered with an authentication certificate that is no longer registered"
                    + " for it");
        }
    }

    private static ExchangeException transportFailure(GlobalConfiguration.SecurityServer host, Throwable error) {
        String where = "security server " + host.id().format() + " at " + host.address();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BudgetExceededException) {
                return new ExchangeException(ErrorType.CLIENT_PROXY_OVERLOADED, "the answer of " + where
                        + " cannot be received now: " + cause.getMessage() + "; try again shortly");
            }
            if (cause instanceof SSLException) {
                return new ExchangeException(ErrorType.CLIENT_PROXY_SSL_AUTHENTICATION_FAILED, "TLS with " + where
                        + " failed: " + cause.getMessage());
            }
            if (cause instanceof TimeoutException) {
                return new ExchangeException(ErrorType.CLIENT_PROXY_NETWORK_ERROR, where + " did not answer in "
                        + PEER_TIMEOUT.toSeconds() + " s");
            }
            if (cause instanceof ConnectException) {
                return new ExchangeException(ErrorType.CLIENT_PROXY_NETWORK_ERROR, where
                        + " cannot be reached: connection refused");
            }
        }
        Throwable root = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return new ExchangeException(ErrorType.CLIENT_PROXY_NETWORK_ERROR, where + " failed: " + root.getMessage());
    }

    private FullHttpResponse fail(ExchangeException e, IncomingRequest request, String queryId, long start) {
        listener.exchangeFailed(ExchangeListener.Side.CONSUMER, e.type(), System.nanoTime() - start);
        return Responses.error(e, queryId, request.header("Accept").orElse(null));
    }

    private static ExchangeException unwrap(Throwable e) {
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ExchangeException exchange) {
            return exchange;
        }
        if (cause instanceof MessageSigningException signing) {
            return new ExchangeException(signing.reason() == MessageSigningException.Reason.CERTIFICATE_STATUS_UNAVAILABLE
                    ? ErrorType.CLIENT_PROXY_CERTIFICATE_STATUS_UNAVAILABLE : ErrorType.CLIENT_PROXY_CANNOT_CREATE_SIGNATURE,
                    signing.getMessage(), signing.getCause());
        }
        Optional<ExchangeException> logging = LogRefusals.ofFailure(cause, LogRefusals.CLIENT_PROXY);
        if (logging.isPresent()) {
            return logging.get();
        }
        LOG.error("consumer-side exchange failed unexpectedly", cause);
        return new ExchangeException(ErrorType.CLIENT_PROXY_INTERNAL_ERROR,
                "the consumer's security server failed; its operator can find the cause in its log");
    }
}
