package org.xroadng.securityserver.description;

import java.util.List;

/**
 * A service description that cannot be taken: the document is not a valid OpenAPI 3 description
 * ({@link Kind#INVALID}, with every problem the parser found, each naming where), or it could not
 * be read from its URL ({@link Kind#UNAVAILABLE}). Nothing is stored when this is thrown.
 */
public final class DescriptionException extends Exception {

    /** Why the description was not taken. */
    public enum Kind { INVALID, UNAVAILABLE }

    private final Kind kind;
    private final List<String> problems;

    public DescriptionException(Kind kind, String message, List<String> problems) {
        super(message + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    public DescriptionException(Kind kind, String message) {
        this(kind, message, List.of());
    }

    public Kind kind() {
        return kind;
    }

    /** The parser's messages, each naming the place in the document it is about. */
    public List<String> problems() {
        return problems;
    }
}
