package org.xroadng.securityserver.console;

import java.net.URI;
import java.util.Set;
import java.util.function.Function;
import org.xroadng.auditlog.web.FormBody;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.conf.ConfValues;

/**
 * The console's field checks: each reads one form field and answers its value, or throws a
 * {@link FieldProblem} naming the field and the message shown next to it, before anything runs.
 */
final class ConsoleFields {

    private ConsoleFields() {
    }

    static String required(FormBody form, String field) throws FieldProblem {
        String value = form.get(field);
        if (value.isEmpty()) {
            throw new FieldProblem(field, "field.required", field);
        }
        return value;
    }

    static <T> T id(FormBody form, String field, Function<String, T> parse)
            throws FieldProblem {
        return idOf(field, required(form, field), parse);
    }

    static <T> T idOf(String field, String text, Function<String, T> parse)
            throws FieldProblem {
        try {
            return ConfValues.id(field, text, parse);
        } catch (ServerException e) {
            throw new FieldProblem(field, "field.identifier", e.getMessage());
        }
    }

    static URI url(FormBody form) throws FieldProblem {
        try {
            return ConfValues.url(required(form, "url"));
        } catch (ServerException e) {
            throw new FieldProblem("url", "field.url", e.getMessage());
        }
    }

    static int timeout(FormBody form) throws FieldProblem {
        String text = form.get("timeoutSeconds").isEmpty() ? "30" : form.get("timeoutSeconds");
        try {
            return ConfValues.timeoutSeconds(Integer.parseInt(text));
        } catch (NumberFormatException | ServerException e) {
            throw new FieldProblem("timeoutSeconds", "field.timeout", text);
        }
    }

    static long number(FormBody form, String field) throws FieldProblem {
        try {
            return Long.parseLong(required(form, field));
        } catch (NumberFormatException e) {
            throw new FieldProblem(field, "field.number", form.get(field));
        }
    }

    /** The roles ticked in a form: at least one, each known. */
    static Set<Role> roles(FormBody form) throws FieldProblem {
        Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
        for (String code : form.all("role")) {
            try {
                roles.add(Role.of(code));
            } catch (IllegalArgumentException e) {
                throw new FieldProblem("role", "field.role", e.getMessage());
            }
        }
        if (roles.isEmpty()) {
            throw new FieldProblem("role", "field.role", "");
        }
        return roles;
    }

    /** A pasted document exactly as sent (a description is kept byte for byte), or empty when blank. */
    static String blankAsEmpty(String pasted) {
        return pasted.isBlank() ? "" : pasted;
    }

    /** A document is given by URL or pasted, never both or neither. */
    static void document(String url, String content) throws FieldProblem {
        if (url.isEmpty() == content.isEmpty()) {
            throw new FieldProblem("url", url.isEmpty() ? "field.documentNeither" : "field.documentBoth", "");
        }
    }
}
