package org.xroadng.protocol.error;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of error types a security server puts in the {@code type} field of an error body
 * and in the {@code X-Road-Error} header (DESIGN.md section 6).
 *
 * <p>{@code Client.*} means the information system's request was at fault and is answered with
 * HTTP 400 (413 for a body over the limit); {@code Server.ClientProxy.*} arose in the consumer's
 * security server and {@code Server.ServerProxy.*} in the provider's, both answered with HTTP 500,
 * except {@code *.Overloaded}: the server refused the exchange at once because its memory budget
 * for message bodies was spent, answered with HTTP 503 (the request may be retried later).
 */
public enum ErrorType {

    CLIENT_BAD_REQUEST("Client.BadRequest", 400),
    CLIENT_INVALID_CLIENT_IDENTIFIER("Client.InvalidClientIdentifier", 400),
    CLIENT_INVALID_SERVICE_IDENTIFIER("Client.InvalidServiceIdentifier", 400),
    CLIENT_INVALID_SECURITY_SERVER("Client.InvalidSecurityServer", 400),
    CLIENT_INVALID_URI("Client.InvalidUri", 400),
    CLIENT_INVALID_HEADER("Client.InvalidHeader", 400),
    CLIENT_REQUEST_TOO_LARGE("Client.RequestTooLarge", 413),
    CLIENT_UNKNOWN_MEMBER("Client.UnknownMember", 400),
    CLIENT_AUTHENTICATION_FAILED("Client.AuthenticationFailed", 400),
    /** SOAP profile: the request is not well-formed, safe XML (a DTD, an entity, too deep or too large). */
    CLIENT_INVALID_XML("Client.InvalidXml", 400),
    /** SOAP profile: well-formed XML, but no SOAP 1.1 envelope with exactly one body. */
    CLIENT_INVALID_SOAP("Client.InvalidSoap", 400),
    /** SOAP profile: neither {@code text/xml} nor {@code multipart/related} with a SOAP root part. */
    CLIENT_INVALID_CONTENT_TYPE("Client.InvalidContentType", 400),
    /** SOAP profile: the X-Road header lacks a mandatory field (client, service, id, protocolVersion). */
    CLIENT_MISSING_HEADER_FIELD("Client.MissingHeaderField", 400),
    /** SOAP profile: an X-Road header field appears more than once. */
    CLIENT_DUPLICATE_HEADER_FIELD("Client.DuplicateHeaderField", 400),
    /** SOAP profile: {@code protocolVersion} is not {@code 4.0}. */
    CLIENT_INVALID_PROTOCOL_VERSION("Client.InvalidProtocolVersion", 400),
    /**
     * The provider's server refuses a restricted access ({@code X-Road-Restriction}) that the
     * client's access right does not allow, or whose disclosure date is beyond the right's maximum:
     * the client's request is at fault, so the answer is a 4xx although the provider's server gives it.
     */
    CLIENT_RESTRICTION_NOT_ALLOWED("Client.RestrictionNotAllowed", 403),

    CLIENT_PROXY_OUTDATED_GLOBAL_CONF("Server.ClientProxy.OutdatedGlobalConf", 500),
    CLIENT_PROXY_UNKNOWN_MEMBER("Server.ClientProxy.UnknownMember", 500),
    CLIENT_PROXY_NETWORK_ERROR("Server.ClientProxy.NetworkError", 500),
    CLIENT_PROXY_SSL_AUTHENTICATION_FAILED("Server.ClientProxy.SslAuthenticationFailed", 500),
    CLIENT_PROXY_INVALID_SIGNATURE("Server.ClientProxy.InvalidSignature", 500),
    CLIENT_PROXY_REQUEST_HASH_MISMATCH("Server.ClientProxy.RequestHashMismatch", 500),
    CLIENT_PROXY_CERTIFICATE_STATUS_UNAVAILABLE("Server.ClientProxy.CertificateStatusUnavailable", 500),
    CLIENT_PROXY_CANNOT_CREATE_SIGNATURE("Server.ClientProxy.CannotCreateSignature", 500),
    CLIENT_PROXY_TIMESTAMPING_FAILED("Server.ClientProxy.TimestampingFailed", 500),
    CLIENT_PROXY_LOGGING_FAILED("Server.ClientProxy.LoggingFailed", 500),
    CLIENT_PROXY_INTERNAL_ERROR("Server.ClientProxy.InternalError", 500),
    /** The consumer's server holds as many message bytes in memory as it may; retry later. */
    CLIENT_PROXY_OVERLOADED("Server.ClientProxy.Overloaded", 503),

    SERVER_PROXY_OUTDATED_GLOBAL_CONF("Server.ServerProxy.OutdatedGlobalConf", 500),
    SERVER_PROXY_UNKNOWN_MEMBER("Server.ServerProxy.UnknownMember", 500),
    SERVER_PROXY_UNKNOWN_SERVICE("Server.ServerProxy.UnknownService", 500),
    SERVER_PROXY_SERVICE_DISABLED("Server.ServerProxy.ServiceDisabled", 500),
    SERVER_PROXY_ACCESS_DENIED("Server.ServerProxy.AccessDenied", 500),
    SERVER_PROXY_PURPOSE_NOT_ALLOWED("Server.ServerProxy.PurposeNotAllowed", 500),
    SERVER_PROXY_INVALID_SIGNATURE("Server.ServerProxy.InvalidSignature", 500),
    SERVER_PROXY_DIGEST_MISMATCH("Server.ServerProxy.DigestMismatch", 500),
    SERVER_PROXY_SIGNER_MISMATCH("Server.ServerProxy.SignerMismatch", 500),
    SERVER_PROXY_CERT_VALIDATION("Server.ServerProxy.CertValidation", 500),
    SERVER_PROXY_CERTIFICATE_STATUS_UNAVAILABLE("Server.ServerProxy.CertificateStatusUnavailable", 500),
    SERVER_PROXY_SERVICE_FAILED("Server.ServerProxy.ServiceFailed", 500),
    SERVER_PROXY_SERVICE_TIMEOUT("Server.ServerProxy.ServiceTimeout", 500),
    /** SOAP profile: the provider's IS answered something other than a SOAP message for the request. */
    SERVER_PROXY_INVALID_SOAP_RESPONSE("Server.ServerProxy.ServiceFailed.InvalidSoap", 500),
    /** SOAP profile: the provider's IS echoed X-Road header fields that differ from the request's. */
    SERVER_PROXY_INCONSISTENT_HEADERS("Server.ServerProxy.ServiceFailed.InconsistentHeaders", 500),
    /** A personal-data service answered successfully without anyone naming whose data it was. */
    SERVER_PROXY_DATA_SUBJECT_MISSING("Server.ServerProxy.DataSubjectMissing", 500),
    SERVER_PROXY_TIMESTAMPING_FAILED("Server.ServerProxy.TimestampingFailed", 500),
    SERVER_PROXY_LOGGING_FAILED("Server.ServerProxy.LoggingFailed", 500),
    SERVER_PROXY_INTERNAL_ERROR("Server.ServerProxy.InternalError", 500),
    /** The provider's server holds as many message bytes in memory as it may; retry later. */
    SERVER_PROXY_OVERLOADED("Server.ServerProxy.Overloaded", 503);

    private static final Map<String, ErrorType> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorType::code, Function.identity()));

    private final String code;
    private final int httpStatus;

    ErrorType(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The wire form, for example {@code Server.ServerProxy.AccessDenied}. */
    public String code() {
        return code;
    }

    /** The HTTP status a security server answers with when this error ends an exchange. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True for errors caused by the information system's own request. */
    public boolean isClientError() {
        return code.startsWith("Client.");
    }

    /** The type with this wire form, if there is one. */
    public static Optional<ErrorType> fromCode(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    @Override
    public String toString() {
        return code;
    }
}
