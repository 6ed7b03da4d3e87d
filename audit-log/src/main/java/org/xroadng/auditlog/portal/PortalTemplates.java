package org.xroadng.auditlog.portal;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.xroadng.auditlog.web.WebTemplates;

/**
 * The portal's Thymeleaf templates ({@code web/*.html} on the class path), rendered by {@link WebTemplates}:
 * escaped by default, every {@code #{key}} from {@link PortalMessages}, a missing key an error.
 */
final class PortalTemplates {

    private final WebTemplates templates;
    private final PortalMessages messages;

    PortalTemplates(PortalMessages messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.templates = new WebTemplates(PortalTemplates.class, messages);
    }

    /** Renders template {@code name} in {@code language} with {@code variables}; {@code lang} is added. */
    String render(String name, Locale language, Map<String, Object> variables) {
        return templates.render(name, language, variables);
    }

    PortalMessages messages() {
        return messages;
    }
}
