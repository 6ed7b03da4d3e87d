package org.xroadng.securityserver.serverproxy;

import io.netty.handler.codec.http.FullHttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.RestMetadata;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.LogRefusals;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.ExchangeListener;
import org.xroadng.securityserver.Responses;
import org.xroadng.securityserver.accesslog.AccessLogService;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.securityserver.conf.AccessDecision;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.message.RestrictionHeader;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.message.HeaderFilter;
import org.xroadng.securityserver.message.MessageHashes;
import org.xroadng.securityserver.message.MessageSigner;
import org.xroadng.securityserver.message.MessageSigningException;
import org.xroadng.securityserver.message.MessageVerificationException;
import org.xroadng.securityserver.message.MessageVerifier;
import org.xroadng.securityserver.message.ProtocolHeaders;
import org.xroadng.securityserver.message.RequestDigest;
import org.xroadng.securityserver.message.ResponseDigest;
import org.xroadng.securityserver.message.RestPath;
import org.xroadng.securityserver.metadata.ProviderMetadata;
import org.xroadng.securityserver.metadata.SoapMetadata;
import org.xroadng.securityserver.soap.SoapAnswers;
import org.xroadng.securityserver.soap.SoapMessage;
import org.xroadng.securityserver.soap.XRoadSoapHeader;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * The provider side of an exchange (DESIGN.md section 6). For a request from an authenticated peer
 * server it checks, in order: a valid global configuration; the peer hosts the claimed client; the
 * service exists here and is enabled; an access right allows the client this method, path and
 * purpose (default deny); the consumer's signature and every digest in it. Only then does it call
 * the provider's information system, and it signs the answer, bound to the request by its hash.
 */
public final class ServerProxyService {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProxyService.class);
    private static final Duration MAX_SIGNATURE_AGE = Duration.ofMinutes(5);

    private final Supplier<LocalConfiguration> localConf;
    private final GlobalConfHolder globalConf;
    private final MessageVerifier verifier;
    private final MessageSigner signer;
    private final ProviderIsClient providerIs;
    private final MessageLog messageLog;
    private final ExchangeListener listener;
    private final Clock clock;
    private final AccessLogService accessLog;

    /**
     * @param accessLog answers the reserved {@value AccessLogProtocol#SERVICE_CODE} service of every
     *                  hosted subsystem; null if this server keeps no access log (then that service is unknown)
     */
    public ServerProxyService(Supplier<LocalConfiguration> localConf, GlobalConfHolder globalConf, MessageVerifier verifier,
                              MessageSigner signer, ProviderIsClient providerIs, MessageLog messageLog,
                              ExchangeListener listener, Clock clock, AccessLogService accessLog) {
        this.localConf = localConf;
        this.globalConf = globalConf;
        this.verifier = verifier;
        this.signer = signer;
        this.providerIs = providerIs;
        this.messageLog = messageLog;
        this.listener = listener;
        this.clock = clock;
        this.accessLog = accessLog;
    }

    /** What this server answers itself, in place of a provider IS: the reserved and metadata services. */
    @FunctionalInterface
    private interface OwnAnswer {
        CompletableFuture<HttpExchangeClient.Answer> answer(Accepted accepted);
    }

    /**
     * A request checked and ready to go to the provider IS ({@code service}), or to be answered by
     * this server ({@code service} null, {@code own} the answer: accessLog or a metadata service);
     * {@code soap} the SOAP message it carries in the SOAP profile, null for REST.
     */
    private record Accepted(IncomingRequest request, RestPath target, ProtocolHeaders headers, LocalService service,
                            OwnAnswer own, String signature, TrustedConfiguration trusted,
                            List<Map.Entry<String, String>> endToEnd, SoapMessage soap, Restriction restriction) {
    }

    /** Answers one request from peer server {@code peer}; never completes exceptionally. */
    public CompletableFuture<FullHttpResponse> handle(IncomingRequest request, SecurityServerId peer) {
        long start = System.nanoTime();
        listener.exchangeStarted(ExchangeListener.Side.PROVIDER);
        Accepted accepted;
        try {
            if (listener.stopping()) {
                throw new ExchangeException(ErrorType.SERVER_PROXY_OVERLOADED, "the security server is stopping;"
                        + " the request did not reach the provider's information system");
            }
            accepted = accept(request, peer);
        } catch (ExchangeException e) {
            return CompletableFuture.completedFuture(fail(e, request, request.header(XRoadHeaders.ID).orElse(null),
                    start));
        }
        CompletableFuture<HttpExchangeClient.Answer> fromProvider = accepted.service() == null
                ? accepted.own().answer(accepted)
                : accepted.soap() != null
                ? providerIs.call(accepted.service(), request.method(), "", SoapAnswers.forwarded(request.headers()),
                        request.body(), request.reservation())
                : providerIs.call(accepted.service(), request.method(), accepted.target().rawPathAndQuery(),
                        toProviderIs(accepted), request.body(), request.reservation());
        return fromProvider
                .thenCompose(answer -> respond(accepted, answer))
                .thenApply(response -> {
                    listener.exchangeCompleted(ExchangeListener.Side.PROVIDER, response.status().code(),
                            System.nanoTime() - start);
                    return response;
                })
                .exceptionally(e -> fail(unwrap(e), request, accepted.headers().id(), start));
    }

    /**
     * The headers the provider's IS receives (X-Road Message Protocol for REST, section 4.3): the
     * consumer's end-to-end headers (user headers and unknown {@code X-Road-*} extension headers
     * among them) and, set by this server from what it verified, {@code X-Road-Client},
     * {@code X-Road-Service}, {@code X-Road-Id}, {@code X-Road-Request-Id}, {@code X-Road-UserId}
     * and {@code X-Road-Issue} when given, and our extensions {@code X-Road-Purpose} and
     * {@code X-Road-Subject} when given.
     */
    private static List<Map.Entry<String, String>> toProviderIs(Accepted accepted) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(accepted.endToEnd());
        ProtocolHeaders h = accepted.headers();
        headers.add(Map.entry(XRoadHeaders.CLIENT, h.client().format()));
        headers.add(Map.entry(XRoadHeaders.SERVICE, accepted.target().service().format()));
        headers.add(Map.entry(XRoadHeaders.ID, h.id()));
        accepted.request().header(XRoadHeaders.REQUEST_ID)
                .ifPresent(id -> headers.add(Map.entry(XRoadHeaders.REQUEST_ID, id)));
        h.addOptionalTo(headers);
        return headers;
    }

    private Accepted accept(IncomingRequest request, SecurityServerId peer) throws ExchangeException {
        TrustedConfiguration trusted = globalConf.current(ErrorType.SERVER_PROXY_OUTDATED_GLOBAL_CONF);
        LogRefusals.checkAccepting(messageLog, LogRefusals.SERVER_PROXY);
        GlobalConfiguration conf = trusted.configuration();
        RestPath target = RestPath.parse(request.target());
        ProtocolHeaders headers = ProtocolHeaders.parse(request);
        ClientId client = headers.client();
        boolean hosted = trusted.hosts(peer, client);
        if (!hosted) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_MEMBER, trusted.disabledOn(peer, client)
                    ? "client " + client.format() + " is disabled on security server " + peer.format()
                    + " (clientDisable); it is refused until a clientEnable takes effect"
                    : "security server " + peer.format() + " is not registered as a host of client " + client.format());
        }
        LocalConfiguration local = localConf.get();
        if (accessLog != null && AccessLogProtocol.SERVICE_CODE.equals(target.service().serviceCode())) {
            requireCitizenPortal(target, client, local, conf);
            return verified(request, target, headers, null, a -> accessLog.answer(request.method(), target.path(),
                    target.rawQuery()), trusted);
        }
        LocalService service = local.service(target.service()).orElse(null);
        boolean soap = request.header(XRoadHeaders.SOAP).isPresent();
        if (service == null && (soap ? RestMetadata.SOAP_PROVIDER_SERVICES : RestMetadata.PROVIDER_SERVICES)
                .contains(target.service().serviceCode())) {
            return metadata(request, target, headers, soap, local, trusted);
        }
        if (service == null) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_SERVICE, "service "
                    + target.service().format() + " is not provided by this security server");
        }
        if (!service.enabled()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_DISABLED, "service "
                    + target.service().format() + " is disabled");
        }
        AccessDecision decision = local.decide(target.service(), client, request.method(), target.path(),
                headers.purpose(), conf);
        if (decision == AccessDecision.DENIED) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_ACCESS_DENIED, "client " + client.format()
                    + " has no access right to " + request.method() + " " + target.path() + " of "
                    + target.service().format());
        }
        if (decision == AccessDecision.PURPOSE_NOT_ALLOWED) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_PURPOSE_NOT_ALLOWED, "client " + client.format()
                    + " may call " + target.service().format() + " but not for purpose "
                    + (headers.purpose() == null ? "(none given)" : "'" + headers.purpose() + "'"));
        }
        Restriction restriction = restriction(request, target, client, headers, local, conf);
        return verified(request, target, headers, service, null, trusted, restriction);
    }

    /**
     * The restriction the consumer asked for in {@code X-Road-Restriction} (DESIGN.md section 7),
     * allowed by the client's access right: its kind of authority, within its maximum of days; null
     * when none was asked. One pass over the headers when none was.
     */
    private Restriction restriction(IncomingRequest request, RestPath target, ClientId client, ProtocolHeaders headers,
                                    LocalConfiguration local, GlobalConfiguration conf) throws ExchangeException {
        Optional<RestrictionHeader> asked;
        try {
            asked = RestrictionHeader.find(request.headers());
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, e.getMessage());
        }
        if (asked.isEmpty()) {
            return null;
        }
        AccessRight.RestrictionAllowance allowance = local.restrictionAllowance(target.service(), client,
                request.method(), target.path(), headers.purpose(), conf).orElseThrow(() -> new ExchangeException(
                ErrorType.CLIENT_RESTRICTION_NOT_ALLOWED, "client " + client.format() + " asked for a restricted access"
                + " (" + XRoadHeaders.RESTRICTION + "), but no access right of its to " + target.service().format()
                + " allows restricting"));
        try {
            return allowance.allow(asked.get().legalBasis(), asked.get().discloseAt(), clock.instant());
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(ErrorType.CLIENT_RESTRICTION_NOT_ALLOWED, "the restricted access is refused: "
                    + e.getMessage());
        }
    }

    /**
     * The exchange's restriction once the provider IS answered: the one it asks for in its own
     * {@code X-Road-Restriction}, held to the client's access right (a malformed or disallowed one
     * is the IS's fault: the answer is withheld as a failed service), else the consumer's.
     */
    private Restriction restriction(Accepted accepted, List<Map.Entry<String, String>> answerHeaders)
            throws ExchangeException {
        Optional<RestrictionHeader> marked;
        try {
            marked = RestrictionHeader.find(answerHeaders);
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's information system"
                    + " answered with a malformed header: " + e.getMessage());
        }
        if (marked.isEmpty() || accepted.service() == null) {
            return accepted.restriction();
        }
        ClientId client = accepted.headers().client();
        AccessRight.RestrictionAllowance allowance = localConf.get().restrictionAllowance(
                accepted.target().service(), client, accepted.request().method(), accepted.target().path(),
                accepted.headers().purpose(), accepted.trusted().configuration()).orElseThrow(() -> new ExchangeException(
                ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's information system marked the access restricted,"
                + " but no access right of " + client.format() + " allows restricting"));
        try {
            return allowance.allow(marked.get().legalBasis(), marked.get().discloseAt(), clock.instant());
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's information system"
                    + " marked the access restricted beyond what the access right allows: " + e.getMessage());
        }
    }

    /** A metadata service's answer, computed by this server once the request is verified. */
    @FunctionalInterface
    private interface MetadataAnswer {
        HttpExchangeClient.Answer answer(Accepted accepted) throws ExchangeException;
    }

    /**
     * A metadata service of a subsystem hosted here (X-Road Service Metadata Protocol for REST,
     * or PR-META for SOAP): any client may call it, after the signature checks every exchange
     * passes; this server answers, in the request's profile.
     */
    private Accepted metadata(IncomingRequest request, RestPath target, ProtocolHeaders headers, boolean soap,
                              LocalConfiguration local, TrustedConfiguration trusted) throws ExchangeException {
        if (local.client(target.service().subsystem()).isEmpty()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_SERVICE, "subsystem "
                    + target.service().subsystem().format() + " is not hosted by this security server");
        }
        String code = target.service().serviceCode();
        MetadataAnswer metadata = soap
                ? a -> SoapMetadata.answer(code, a.soap(), target.service().subsystem(), headers.client(), local,
                        trusted.configuration())
                : a -> ProviderMetadata.answer(code, target.service().subsystem(), headers.client(), request.method(),
                        target.path(), target.rawQuery(), local, trusted.configuration());
        return verified(request, target, headers, null, a -> {
            try {
                return CompletableFuture.completedFuture(metadata.answer(a));
            } catch (ExchangeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }, trusted);
    }

    /** The reserved accessLog service: of a subsystem hosted here, for members of the citizen portals group. */
    private static void requireCitizenPortal(RestPath target, ClientId client, LocalConfiguration local,
                                             GlobalConfiguration conf) throws ExchangeException {
        if (local.client(target.service().subsystem()).isEmpty()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_SERVICE, "subsystem "
                    + target.service().subsystem().format() + " is not hosted by this security server");
        }
        GlobalGroupId portals = new GlobalGroupId(conf.instance(), AccessLogProtocol.CITIZEN_PORTALS_GROUP);
        boolean member = conf.globalGroup(portals).map(g -> g.contains(client)).orElse(false);
        if (!member) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_ACCESS_DENIED, "client " + client.format()
                    + " may not read access logs: only members of global group " + portals.format() + " may call "
                    + AccessLogProtocol.SERVICE_CODE);
        }
    }

    /** The signature and digest checks, common to every service. */
    private Accepted verified(IncomingRequest request, RestPath target, ProtocolHeaders headers, LocalService service,
                              OwnAnswer own, TrustedConfiguration trusted) throws ExchangeException {
        return verified(request, target, headers, service, own, trusted, null);
    }

    private Accepted verified(IncomingRequest request, RestPath target, ProtocolHeaders headers, LocalService service,
                              OwnAnswer own, TrustedConfiguration trusted, Restriction restriction)
            throws ExchangeException {
        ClientId client = headers.client();
        String signature = request.header(XRoadHeaders.SIGNATURE).orElseThrow(() -> new ExchangeException(
                ErrorType.SERVER_PROXY_INVALID_SIGNATURE, "request carries no " + XRoadHeaders.SIGNATURE));
        MessageVerifier.Verified<RequestDigest> verified = verify(signature, trusted);
        if (!verified.signer().equals(client.member())) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_SIGNER_MISMATCH, "request is signed by member "
                    + verified.signer().format() + " but the client belongs to " + client.member().format());
        }
        List<Map.Entry<String, String>> endToEnd = HeaderFilter.endToEnd(request.headers());
        RequestDigest expected = RequestDigest.of(request, target, headers, endToEnd, verified.summary().iat());
        compare(expected, verified.summary());
        return new Accepted(request, target, headers, service, own, signature, trusted, endToEnd, soap(request,
                headers, target), restriction);
    }

    /**
     * The SOAP message of a request in the SOAP profile ({@code X-Road-Soap: 4.0}, signed with the
     * rest), read only now that its signature holds, and held to the signed protocol headers; null
     * for REST.
     */
    private static SoapMessage soap(IncomingRequest request, ProtocolHeaders headers, RestPath target)
            throws ExchangeException {
        Optional<String> version = request.header(XRoadHeaders.SOAP);
        if (version.isEmpty()) {
            return null;
        }
        if (!XRoadSoapHeader.PROTOCOL_VERSION.equals(version.get()) || !"POST".equals(request.method())
                || !"/".equals(target.rawPath()) || !target.rawQuery().isEmpty()) {
            throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, "a SOAP request is a POST to the service itself"
                    + " marked " + XRoadHeaders.SOAP + ": " + XRoadSoapHeader.PROTOCOL_VERSION);
        }
        return SoapAnswers.request(request, headers, target.service());
    }

    private MessageVerifier.Verified<RequestDigest> verify(String signature, TrustedConfiguration trusted)
            throws ExchangeException {
        try {
            return verifier.verify(signature, RequestDigest.class, trusted);
        } catch (MessageVerificationException e) {
            ErrorType type = switch (e.reason()) {
                case INVALID_SIGNATURE -> ErrorType.SERVER_PROXY_INVALID_SIGNATURE;
                case CERTIFICATE_INVALID -> ErrorType.SERVER_PROXY_CERT_VALIDATION;
                case CERTIFICATE_STATUS_UNAVAILABLE -> ErrorType.SERVER_PROXY_CERTIFICATE_STATUS_UNAVAILABLE;
            };
            throw new ExchangeException(type, e.getMessage());
        }
    }

    private void compare(RequestDigest expected, RequestDigest signed) throws ExchangeException {
        Optional<String> field = expected.firstDifference(signed);
        if (field.isPresent()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_DIGEST_MISMATCH, "the request's " + field.get()
                    + " differs from what the consumer signed: it was altered after signing");
        }
        long age = Math.abs(clock.instant().getEpochSecond() - signed.iat());
        if (age > MAX_SIGNATURE_AGE.toSeconds()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_INVALID_SIGNATURE, "the request was signed " + age
                    + " s from now; at most " + MAX_SIGNATURE_AGE.toSeconds() + " s are accepted");
        }
    }

    private CompletableFuture<FullHttpResponse> respond(Accepted accepted, HttpExchangeClient.Answer received) {
        HttpExchangeClient.Answer answer = received;
        List<String> dataSubjects;
        Restriction restriction;
        List<Map.Entry<String, String>> answerHeaders;
        try {
            if (accepted.soap() != null) {
                answer = SoapAnswers.echo(accepted.soap(), received);
            }
            dataSubjects = dataSubjects(answer.headers());
            requireDataSubject(accepted, answer.status(), dataSubjects);
            answerHeaders = answer.headers();
            restriction = restriction(accepted, answerHeaders);
            if (restriction != null) {
                // the restriction as logged, with its kind of authority, signed for the consumer's server to log alike
                answerHeaders = new ArrayList<>(answerHeaders);
                answerHeaders.removeIf(h -> h.getKey().equalsIgnoreCase(XRoadHeaders.RESTRICTION));
                answerHeaders.add(Map.entry(XRoadHeaders.RESTRICTION, RestrictionHeader.format(restriction)));
            }
        } catch (ExchangeException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<Map.Entry<String, String>> endToEnd = HeaderFilter.endToEnd(answerHeaders);
        byte[] body = answer.body();
        int status = answer.status();
        ResponseDigest digest = ResponseDigest.builder()
                .id(accepted.headers().id())
                .status(answer.status())
                .headersSha256(MessageHashes.headers(endToEnd))
                .bodySha256(MessageHashes.sha256(body))
                .requestHash(MessageHashes.sha256(accepted.signature()))
                .dataSubjects(dataSubjects)
                .iat(clock.instant().getEpochSecond())
                .build();
        return signer.sign(accepted.target().service().subsystem().member(), digest, accepted.trusted())
                .thenCompose(signature -> {
                    listener.signature(ExchangeListener.Side.PROVIDER, true);
                    List<Map.Entry<String, String>> headers = new ArrayList<>(endToEnd);
                    headers.add(Map.entry(XRoadHeaders.SIGNATURE, signature));
                    headers.add(Map.entry(XRoadHeaders.ID, accepted.headers().id()));
                    accepted.request().header(XRoadHeaders.REQUEST_ID)
                            .ifPresent(id -> headers.add(Map.entry(XRoadHeaders.REQUEST_ID, id)));
                    FullHttpResponse response = Responses.of(status, headers, body);
                    ProtocolHeaders h = accepted.headers();
                    ExchangeRecord record = new ExchangeRecord("provider", h.id(),
                            accepted.request().header(XRoadHeaders.REQUEST_ID).orElse(null), h.client(),
                            accepted.target().service(), accepted.request().method(), accepted.target().path(),
                            h.userId(), h.issue(), h.purpose(), h.subjects(), dataSubjects, accepted.signature(),
                            accepted.request().body(), signature, body, status, clock.instant(), restriction);
                    return LogRefusals.withinDeadline(messageLog.append(record)).thenApply(done -> response);
                });
    }

    /**
     * The subjects the provider IS names in its {@code X-Road-Data-Subject} headers, all of them
     * held together to the header's rules (the consumer's server holds the signed list to the same
     * rules). Malformed ones are the provider IS's fault: the answer is withheld as a failed service.
     */
    private static List<String> dataSubjects(List<Map.Entry<String, String>> headers) throws ExchangeException {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(XRoadHeaders.DATA_SUBJECT) && !header.getValue().isBlank()) {
                values.add(header.getValue());
            }
        }
        try {
            return ProtocolHeaders.subjects(String.join(",", values), XRoadHeaders.DATA_SUBJECT);
        } catch (ExchangeException e) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's information system"
                    + " answered with a malformed header: " + e.getMessage());
        }
    }

    /**
     * A service flagged as personal data must not release a successful (2xx) answer that nobody
     * named a data subject for (neither the consumer's {@code X-Road-Subject} nor the provider IS's
     * {@code X-Road-Data-Subject}): such an access would be missing from the access log, so the
     * citizen could never see it. The answer is withheld; nothing is logged as exchanged. (The
     * services this server answers itself, {@code service == null}, are no personal-data services.)
     */
    private static void requireDataSubject(Accepted accepted, int status, List<String> dataSubjects)
            throws ExchangeException {
        if (accepted.service() != null && accepted.service().personalData() && status >= 200 && status < 300
                && accepted.headers().subjects().isEmpty() && dataSubjects.isEmpty()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_DATA_SUBJECT_MISSING, "service "
                    + accepted.target().service().format() + " serves personal data, but neither the request ("
                    + XRoadHeaders.SUBJECT + ") nor the provider's answer (" + XRoadHeaders.DATA_SUBJECT
                    + ") names whose; the answer is withheld so that no access goes unlogged");
        }
    }

    private FullHttpResponse fail(ExchangeException e, IncomingRequest request, String queryId, long start) {
        listener.exchangeFailed(ExchangeListener.Side.PROVIDER, e.type(), System.nanoTime() - start);
        return Responses.error(e, queryId, request.header("Accept").orElse(null));
    }

    static ExchangeException unwrap(Throwable e) {
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ExchangeException exchange) {
            return exchange;
        }
        if (cause instanceof MessageSigningException signing) {
            return new ExchangeException(signing.reason() == MessageSigningException.Reason.CERTIFICATE_STATUS_UNAVAILABLE
                    ? ErrorType.SERVER_PROXY_CERTIFICATE_STATUS_UNAVAILABLE : ErrorType.SERVER_PROXY_INTERNAL_ERROR,
                    signing.getMessage(), signing.getCause());
        }
        Optional<ExchangeException> logging = LogRefusals.ofFailure(cause, LogRefusals.SERVER_PROXY);
        if (logging.isPresent()) {
            return logging.get();
        }
        LOG.error("provider-side exchange failed unexpectedly", cause);
        return new ExchangeException(ErrorType.SERVER_PROXY_INTERNAL_ERROR,
                "the provider's security server failed; its operator can find the cause in its log");
    }
}
