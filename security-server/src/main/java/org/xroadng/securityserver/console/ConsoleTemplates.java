package org.xroadng.securityserver.console;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.xroadng.auditlog.web.BundleMessages;
import org.xroadng.auditlog.web.WebTemplates;

/**
 * The console's Thymeleaf templates ({@code web/*.html} on the class path), rendered by {@link WebTemplates}:
 * escaped by default, every {@code #{key}} from {@link BundleMessages}, a missing key an error.
 */
final class ConsoleTemplates {

    private final WebTemplates templates;
    private final BundleMessages messages;

    ConsoleTemplates(BundleMessages messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.templates = new WebTemplates(ConsoleTemplates.class, messages);
    }

    /** Renders template {@code name} in {@code language} with {@code variables}; {@code lang} is added. */
    String render(String name, Locale language, Map<String, Object> variables) {
        return templates.render(name, language, variables);
    }

    BundleMessages messages() {
        return messages;
    }
}
