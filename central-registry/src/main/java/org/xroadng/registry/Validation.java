package org.xroadng.registry;

import java.util.function.Function;
import org.xroadng.protocol.id.InvalidIdentifierException;

/** Checks of operator input shared by the registry's operations. */
final class Validation {

    private Validation() {
    }

    /** Printable text of 1..max characters, trimmed. */
    static String text(String field, String value, int max) throws RegistryException {
        if (value == null || value.isBlank()) {
            throw RegistryException.badRequest(field + " is missing; expected 1.." + max + " characters");
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw RegistryException.badRequest(field + " is " + trimmed.length() + " characters; at most " + max
                    + " are allowed");
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.badRequest(field + " contains control characters; expected printable text");
        }
        return trimmed;
    }

    /** Parses an identifier, turning a malformed one into a refusal that names the field. */
    static <T> T identifier(String field, String value, Function<String, T> parse) throws RegistryException {
        try {
            return parse.apply(value);
        } catch (InvalidIdentifierException e) {
            throw RegistryException.badRequest(field + ": " + e.getMessage());
        }
    }

    static void sameInstance(String instance, org.xroadng.protocol.id.XRoadId id) throws RegistryException {
        if (!id.instance().equals(instance)) {
            throw RegistryException.badRequest(id.format() + " belongs to instance " + id.instance()
                    + "; this registry serves " + instance);
        }
    }
}
