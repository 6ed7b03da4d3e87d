package org.xroadng.securityserver.console;

import java.text.MessageFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import org.xroadng.auditlog.web.WebTemplates;

/**
 * Every text the console shows, from {@code web/messages_vi.properties} and
 * {@code web/messages_en.properties} (UTF-8). Each message is a {@link MessageFormat} pattern. A
 * language never falls back to another: a missing key is an {@link IllegalArgumentException}, and the
 * tests check that both bundles hold the same keys.
 */
final class ConsoleMessages implements WebTemplates.Messages {

    static final String BUNDLE = "org.xroadng.securityserver.console.web.messages";

    private final Map<Locale, ResourceBundle> bundles;

    private ConsoleMessages(Map<Locale, ResourceBundle> bundles) {
        this.bundles = Map.copyOf(bundles);
    }

    static ConsoleMessages load() {
        Map<Locale, ResourceBundle> bundles = new LinkedHashMap<>();
        ResourceBundle.Control noFallback = ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES);
        for (Locale language : ConsoleLanguage.SUPPORTED) {
            try {
                ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, language, ConsoleMessages.class.getClassLoader(),
                        noFallback);
                if (!bundle.getLocale().getLanguage().equals(language.getLanguage())) {
                    throw new IllegalStateException("no console message bundle for " + language + " in the build");
                }
                bundles.put(language, bundle);
            } catch (MissingResourceException e) {
                throw new IllegalStateException("no console message bundle for " + language + " in the build", e);
            }
        }
        return new ConsoleMessages(bundles);
    }

    @Override
    public String get(Locale language, String key, Object... arguments) {
        return new MessageFormat(pattern(language, key), language).format(arguments);
    }

    @Override
    public boolean has(String key) {
        return bundles.get(ConsoleLanguage.VIETNAMESE).containsKey(key);
    }

    String pattern(Locale language, String key) {
        ResourceBundle bundle = bundles.get(language);
        if (bundle == null) {
            throw new IllegalArgumentException("the console does not speak " + language);
        }
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalArgumentException("no message '" + key + "' in the " + language + " bundle", e);
        }
    }

    Set<String> keys(Locale language) {
        return new TreeSet<>(bundles.get(language).keySet());
    }
}
