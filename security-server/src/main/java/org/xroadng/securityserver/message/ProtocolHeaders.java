package org.xroadng.securityserver.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.UUID;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.http.IncomingRequest;

/**
 * The protocol headers of an information system's request, validated: {@code X-Road-Client}
 * (mandatory: a subsystem, or a member without one; each part may be percent-encoded UTF-8, REST
 * protocol section 4.3), {@code X-Road-Id} (generated when missing), {@code X-Road-UserId},
 * {@code X-Road-Issue}, {@code X-Road-Purpose}, {@code X-Road-Subject} (comma-separated data
 * subject codes) and {@code X-Road-Security-Server}. Each may appear once.
 *
 * @param userId  null when not given
 * @param issue   null when not given
 * @param purpose null when not given
 */
public record ProtocolHeaders(ClientId client, String id, String userId, String issue, String purpose,
                              List<String> subjects, Optional<SecurityServerId> securityServer) {

    private static final int MAX_TEXT = 255;
    private static final int MAX_SUBJECTS = 100;
    // compiled once: both are checked on every message
    private static final Pattern PURPOSE = Pattern.compile("[A-Za-z0-9'()+,\\-.=?]{1,255}");
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public ProtocolHeaders {
        subjects = List.copyOf(subjects);
    }

    /** The protocol headers a request may carry, each at most once; {@link #parse} reads them by these indexes. */
    private static final String[] NAMES = {XRoadHeaders.CLIENT, XRoadHeaders.ID, XRoadHeaders.USER_ID,
            XRoadHeaders.ISSUE, XRoadHeaders.PURPOSE, XRoadHeaders.SUBJECT, XRoadHeaders.SECURITY_SERVER};
    private static final int CLIENT = 0;
    private static final int ID = 1;
    private static final int USER_ID = 2;
    private static final int ISSUE = 3;
    private static final int PURPOSE_HEADER = 4;
    private static final int SUBJECT_HEADER = 5;
    private static final int SECURITY_SERVER = 6;
    private static final String PREFIX = "X-Road-";

    public static ProtocolHeaders parse(IncomingRequest request) throws ExchangeException {
        // One pass over the headers: the first value and the count of each protocol header.
        String[] values = new String[NAMES.length];
        int[] counts = new int[NAMES.length];
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            if (!name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                continue;
            }
            for (int i = 0; i < NAMES.length; i++) {
                if (name.equalsIgnoreCase(NAMES[i])) {
                    if (counts[i]++ == 0) {
                        values[i] = header.getValue();
                    }
                    break;
                }
            }
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (counts[i] > 1) {
                throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, NAMES[i] + " is given "
                        + counts[i] + " times; expected at most once");
            }
        }
        String clientText = values[CLIENT];
        if (clientText == null) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER, XRoadHeaders.CLIENT
                    + " header is missing; expected " + ClientId.FORM);
        }
        ClientId client = client(clientText.trim());
        String id = text(values[ID], XRoadHeaders.ID);
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        String purpose = text(values[PURPOSE_HEADER], XRoadHeaders.PURPOSE);
        if (purpose != null && !PURPOSE.matcher(purpose).matches()) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, XRoadHeaders.PURPOSE + " '" + purpose
                    + "' is not a purpose code (1..255 of A-Z a-z 0-9 ' ( ) + , - . = ?)");
        }
        Optional<SecurityServerId> server = Optional.empty();
        if (values[SECURITY_SERVER] != null) {
            try {
                server = Optional.of(SecurityServerId.parse(values[SECURITY_SERVER].trim()));
            } catch (InvalidIdentifierException e) {
                throw new ExchangeException(ErrorType.CLIENT_INVALID_SECURITY_SERVER, XRoadHeaders.SECURITY_SERVER
                        + " is malformed: " + e.getMessage());
            }
        }
        return new ProtocolHeaders(client, id, text(values[USER_ID], XRoadHeaders.USER_ID),
                text(values[ISSUE], XRoadHeaders.ISSUE), purpose,
                subjects(values[SUBJECT_HEADER], XRoadHeaders.SUBJECT), server);
    }

    /**
     * The client named in {@code X-Road-Client}: parts separated by '/', each percent-decoded as
     * UTF-8 (an encoded '/' belongs to its part), then held to the identifier rules.
     */
    private static ClientId client(String text) throws ExchangeException {
        List<String> parts = new ArrayList<>();
        try {
            for (String part : text.split("/", -1)) {
                parts.add(PercentDecoding.decode(part));
            }
            return ClientId.of(parts, text);
        } catch (IllegalArgumentException e) { // InvalidIdentifierException too
            throw new ExchangeException(ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER, XRoadHeaders.CLIENT
                    + " is malformed: " + e.getMessage());
        }
    }

    /** Data subject codes from a comma-separated header value: 1..64 of {@code A-Z a-z 0-9 -} each. */
    public static List<String> subjects(String value, String header) throws ExchangeException {
        List<String> codes = new ArrayList<>();
        if (value != null && !value.isBlank()) {
            for (String part : value.split(",", -1)) {
                codes.add(part.trim());
            }
        }
        return subjects(codes, header);
    }

    /**
     * Data subject codes given one by one (as a signed answer lists them), held to the header's
     * rules: each 1..64 of {@code A-Z a-z 0-9 -}, at most {@value #MAX_SUBJECTS}, repeats dropped.
     * Refused with {@link ErrorType#CLIENT_INVALID_HEADER}; callers judging a peer's input map it to
     * their own type.
     */
    public static List<String> subjects(List<String> codes, String what) throws ExchangeException {
        List<String> subjects = new ArrayList<>();
        for (String code : codes) {
            if (code == null || !SUBJECT.matcher(code).matches()) {
                throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, what + " contains '" + code
                        + "'; expected codes of 1..64 letters, digits or '-', separated by commas");
            }
            if (!subjects.contains(code)) {
                subjects.add(code);
            }
        }
        if (subjects.size() > MAX_SUBJECTS) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, what + " names " + subjects.size()
                    + " subjects; at most " + MAX_SUBJECTS + " are allowed");
        }
        return subjects;
    }

    private static String text(String value, String name) throws ExchangeException {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        if (text.length() > MAX_TEXT || !text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, name + " must be 1.." + MAX_TEXT
                    + " printable ASCII characters");
        }
        return text;
    }

    /**
     * Adds the optional headers that travel with the request when given (user id, issue, purpose,
     * subjects), as both the consumer's server (to the provider's) and the provider's (to its IS)
     * pass them on.
     */
    public void addOptionalTo(List<Map.Entry<String, String>> headers) {
        if (userId != null) {
            headers.add(Map.entry(XRoadHeaders.USER_ID, userId));
        }
        if (issue != null) {
            headers.add(Map.entry(XRoadHeaders.ISSUE, issue));
        }
        if (purpose != null) {
            headers.add(Map.entry(XRoadHeaders.PURPOSE, purpose));
        }
        if (!subjects.isEmpty()) {
            headers.add(Map.entry(XRoadHeaders.SUBJECT, String.join(",", subjects)));
        }
    }
}
