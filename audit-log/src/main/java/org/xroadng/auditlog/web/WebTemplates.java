package org.xroadng.auditlog.web;

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
 * Server-rendered pages (the citizen portal's, the operator console's): Thymeleaf templates
 * {@code web/*.html} beside a class on the class path, their texts from one component's bundles.
 * Guarantees: every {@code th:text} and attribute value is HTML-escaped by the engine (no template
 * uses {@code th:utext}); every {@code #{key}} is read from {@link Messages}, and a key missing there
 * fails the rendering instead of showing a placeholder. Templates are parsed once and cached.
 */
public final class WebTemplates {

    /** A component's message bundles in every language it speaks. */
    public interface Messages {

        /** Whether {@code key} exists (in every language: the components' tests keep the bundles equal). */
        boolean has(String key);

        /** The message {@code key} in {@code language} with its arguments filled in. */
        String get(Locale language, String key, Object... arguments);
    }

    private final TemplateEngine engine = new TemplateEngine();

    /** Where the consoles' shared templates are: {@code shared/NAME} is {@code shared/NAME.html} here. */
    public static final String SHARED = "shared/";

    /**
     * The templates in the {@code web} folder of {@code owner}'s package, with {@code messages}; and
     * the templates both operator consoles share, named {@code shared/...}, from this package's
     * {@code shared} folder (the page frame, the fragments, the sign-in, refusal and audit pages),
     * rendered with the same {@code messages}.
     */
    public WebTemplates(Class<?> owner, Messages messages) {
        Objects.requireNonNull(messages, "messages");
        ClassLoaderTemplateResolver shared = new ClassLoaderTemplateResolver(WebTemplates.class.getClassLoader());
        shared.setPrefix(WebTemplates.class.getPackageName().replace('.', '/') + "/");
        shared.setResolvablePatterns(java.util.Set.of(SHARED + "*"));
        shared.setSuffix(".html");
        shared.setTemplateMode(TemplateMode.HTML);
        shared.setCharacterEncoding("UTF-8");
        shared.setCacheable(true);
        shared.setOrder(1);
        engine.addTemplateResolver(shared);
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(owner.getClassLoader());
        resolver.setPrefix(owner.getPackageName().replace('.', '/') + "/web/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        resolver.setOrder(2);
        engine.addTemplateResolver(resolver);
        engine.setMessageResolver(new BundleResolver(messages, owner.getSimpleName()));
    }

    /** Renders template {@code name} in {@code language} with {@code variables}; {@code lang} is added. */
    public String render(String name, Locale language, Map<String, Object> variables) {
        Context context = new Context(language, variables);
        context.setVariable("lang", language.getLanguage());
        return engine.process(name, context);
    }

    /** Thymeleaf's {@code #{key(args)}} from the component's bundles, in the template's locale. */
    private static final class BundleResolver extends AbstractMessageResolver {

        private final Messages messages;

        BundleResolver(Messages messages, String name) {
            this.messages = messages;
            setName(name + "-bundles");
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
