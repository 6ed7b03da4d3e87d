package org.xroadng.registry.console;

/**
 * A form field holding a value the action cannot take: shown next to that field, in the viewer's
 * language ({@code key} is a message of the console's bundles, given {@code detail}, the service
 * layer's own words).
 */
final class FieldProblem extends Exception {

    private final String field;
    private final String key;

    FieldProblem(String field, String key, String detail) {
        super(detail);
        this.field = field;
        this.key = key;
    }

    String field() {
        return field;
    }

    String key() {
        return key;
    }
}
