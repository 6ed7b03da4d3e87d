package org.xroadng.securityserver.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.UUID;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.http.IncomingRequest;

/**
 * The protocol headers of an information system's request, validated: {@code X-Road-Client}
 * (mandatory subsystem), {@code X-Road-Id} (generated when missing), {@code X-Road-UserId},
 * {@code X-Road-Issue}, {@code X-Road-Purpose}, {@code X-Road-Subject} (comma-separated data
 * subject codes) and {@code X-Road-Security-Server}. Each may appear once.
 *
 * @param userId  null when not given
 * @param issue   null when not given
 * @param purpose null when not given
 */
public record ProtocolHeaders(SubsystemId client, String id, String userId, String issue, String purpose,
                              List<String> subjects, Optional<SecurityServerId> securityServer) {

    private static final int MAX_TEXT = 255;
    private static final int MAX_SUBJECTS = 100;
    // compiled once: both are checked on every message
    private static final Pattern PURPOSE = Pattern.compile("[A-Za-z0-9'()+,\\-.=?]{1,255}");
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public ProtocolHeaders {
        subjects = List.copyOf(subjects);
    }

    public static ProtocolHeaders parse(IncomingRequest request) throws ExchangeException {
        for (String name : List.of(XRoadHeaders.CLIENT, XRoadHeaders.ID, XRoadHeaders.USER_ID, XRoadHeaders.ISSUE,
                XRoadHeaders.PURPOSE, XRoadHeaders.SUBJECT, XRoadHeaders.SECURITY_SERVER)) {
            if (request.count(name) > 1) {
                throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, name + " is given "
                        + request.count(name) + " times; expected at most once");
            }
        }
        String clientText = request.header(XRoadHeaders.CLIENT).orElseThrow(() -> new ExchangeException(
                ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER, XRoadHeaders.CLIENT
                + " header is missing; expected INSTANCE/CLASS/MEMBER/SUBSYSTEM"));
        SubsystemId client;
        try {
            client = SubsystemId.parse(clientText.trim());
        } catch (InvalidIdentifierException e) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER, XRoadHeaders.CLIENT
                    + " is malformed: " + e.getMessage());
        }
        String id = text(request, XRoadHeaders.ID);
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        String purpose = text(request, XRoadHeaders.PURPOSE);
        if (purpose != null && !PURPOSE.matcher(purpose).matches()) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, XRoadHeaders.PURPOSE + " '" + purpose
                    + "' is not a purpose code (1..255 of A-Z a-z 0-9 ' ( ) + , - . = ?)");
        }
        Optional<SecurityServerId> server = Optional.empty();
        Optional<String> serverText = request.header(XRoadHeaders.SECURITY_SERVER);
        if (serverText.isPresent()) {
            try {
                server = Optional.of(SecurityServerId.parse(serverText.get().trim()));
            } catch (InvalidIdentifierException e) {
                throw new ExchangeException(ErrorType.CLIENT_INVALID_SECURITY_SERVER, XRoadHeaders.SECURITY_SERVER
                        + " is malformed: " + e.getMessage());
            }
        }
        return new ProtocolHeaders(client, id, text(request, XRoadHeaders.USER_ID), text(request, XRoadHeaders.ISSUE),
                purpose, subjects(request.header(XRoadHeaders.SUBJECT).orElse(null), XRoadHeaders.SUBJECT), server);
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

    private static String text(IncomingRequest request, String name) throws ExchangeException {
        Optional<String> value = request.header(name);
        if (value.isEmpty() || value.get().isBlank()) {
            return null;
        }
        String text = value.get().trim();
        if (text.length() > MAX_TEXT || !text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_HEADER, name + " must be 1.." + MAX_TEXT
                    + " printable ASCII characters");
        }
        return text;
    }
}
