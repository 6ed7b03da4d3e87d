package org.xroadng.securityserver.console;

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
 * The console's Thymeleaf templates ({@code web/*.html} on the class path). Guarantees: every
 * {@code th:text} and attribute value is HTML-escaped by the engine (no template uses
 * {@code th:utext}), so a name holding markup is shown as text; every {@code #{key}} comes from
 * {@link ConsoleMessages}, and a key missing there fails the rendering instead of showing a
 * placeholder. Templates are parsed once and cached.
 */
final class ConsoleTemplates {

    private final TemplateEngine engine = new TemplateEngine();
    private final ConsoleMessages messages;

    ConsoleTemplates(ConsoleMessages messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(ConsoleTemplates.class.getClassLoader());
        resolver.setPrefix(ConsoleTemplates.class.getPackageName().replace('.', '/') + "/web/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        engine.setTemplateResolver(resolver);
        engine.setMessageResolver(new BundleResolver(messages));
    }

    String render(String name, Locale language, Map<String, Object> variables) {
        Context context = new Context(language, variables);
        context.setVariable("lang", language.getLanguage());
        return engine.process(name, context);
    }

    ConsoleMessages messages() {
        return messages;
    }

    private static final class BundleResolver extends AbstractMessageResolver {

        private final ConsoleMessages messages;

        BundleResolver(ConsoleMessages messages) {
            this.messages = messages;
            setName("console-bundles");
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
