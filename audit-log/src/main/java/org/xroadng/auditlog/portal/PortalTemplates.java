package org.xroadng.auditlog.portal;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.messageresolver.AbstractMessageResolver;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The portal's Thymeleaf templates ({@code web/*.html} on the class path), rendered in one of
 * {@link PortalLanguage#SUPPORTED}. Guarantees: every {@code th:text} and attribute value is
 * HTML-escaped by the engine (nothing in the templates uses {@code th:utext}); every {@code #{key}} is
 * read from {@link PortalMessages}, and a key missing from the bundle fails the rendering instead of
 * showing a placeholder. Templates are parsed once and cached.
 */
final class PortalTemplates {

    private final TemplateEngine engine = new TemplateEngine();
    private final PortalMessages messages;

    PortalTemplates(PortalMessages messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(PortalTemplates.class.getClassLoader());
        resolver.setPrefix(PortalTemplates.class.getPackageName().replace('.', '/') + "/web/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        engine.setTemplateResolver(resolver);
        engine.setMessageResolver(new BundleResolver(messages));
    }

    /** Renders template {@code name} in {@code language} with {@code variables}; {@code lang} is added. */
    String render(String name, Locale language, Map<String, Object> variables) {
        Context context = new Context(language, variables);
        context.setVariable("lang", language.getLanguage());
        return engine.process(name, context);
    }

    PortalMessages messages() {
        return messages;
    }

    /** Thymeleaf's {@code #{key(args)}} from the portal's bundles, in the template's locale. */
    private static final class BundleResolver extends AbstractMessageResolver {

        private final PortalMessages messages;

        BundleResolver(PortalMessages messages) {
            this.messages = messages;
            setName("portal-bundles");
        }

        @Override
        public String resolveMessage(ITemplateContext context, Class<?> origin, String key, Object[] arguments) {
            return messages.has(key) ? messages.get(context.getLocale(), key, arguments == null ? new Object[0]
                    : arguments) : null;
        }

        @Override
        public String createAbsentMessageRepresentation(ITemplateContext context, Class<?> origin, String key,
                                                        Object[] arguments) {
            throw new IllegalStateException("the template uses message '" + key + "', which no bundle has");
        }
    }
}
