package org.xroadng.auditlog.web;

import java.text.MessageFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every text a console shows, from its {@code web/messages_vi.properties} and
 * {@code web/messages_en.properties} (UTF-8). Each message is a {@link MessageFormat} pattern. A
 * language never falls back to another: a missing key is an {@link IllegalArgumentException}, and the
 * consoles' tests check that both bundles hold the same keys.
 */
public final class BundleMessages implements WebTemplates.Messages {

    private final Map<Locale, ResourceBundle> bundles;

    private BundleMessages(Map<Locale, ResourceBundle> bundles) {
        this.bundles = Map.copyOf(bundles);
    }

    /** The bundles {@code web/messages_*} in {@code owner}'s package, one per {@link ConsoleLanguage#SUPPORTED} language. */
    public static BundleMessages of(Class<?> owner) {
        String name = owner.getPackageName() + ".web.messages";
        Map<Locale, ResourceBundle> bundles = new LinkedHashMap<>();
        ResourceBundle.Control noFallback = ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES);
        for (Locale language : ConsoleLanguage.SUPPORTED) {
            try {
                ResourceBundle bundle = ResourceBundle.getBundle(name, language, owner.getClassLoader(), noFallback);
                if (!bundle.getLocale().getLanguage().equals(language.getLanguage())) {
                    throw new IllegalStateException("no message bundle " + name + " for " + language + " in the build");
                }
                bundles.put(language, bundle);
            } catch (MissingResourceException e) {
                throw new IllegalStateException("no message bundle " + name + " for " + language + " in the build", e);
            }
        }
        return new BundleMessages(bundles);
    }

    @Override
    public String get(Locale language, String key, Object... arguments) {
        return new MessageFormat(pattern(language, key), language).format(arguments);
    }

    @Override
    public boolean has(String key) {
        return bundles.get(ConsoleLanguage.VIETNAMESE).containsKey(key);
    }

    public String pattern(Locale language, String key) {
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

    public Set<String> keys(Locale language) {
        return new TreeSet<>(bundles.get(language).keySet());
    }
}
