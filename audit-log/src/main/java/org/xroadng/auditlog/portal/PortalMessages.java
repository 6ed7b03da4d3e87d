package org.xroadng.auditlog.portal;

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
 * Every text a citizen sees, from the bundles {@code web/messages_vi.properties} and
 * {@code web/messages_en.properties} (UTF-8, Java 9+ {@code PropertyResourceBundle}). Each message is a
 * {@link MessageFormat} pattern (so an apostrophe is written {@code ''}). A language never falls back
 * to another: a key missing from a bundle is an {@link IllegalArgumentException}, and the tests check
 * that both bundles hold the same keys with the same arguments.
 */
public final class PortalMessages implements WebTemplates.Messages {

    static final String BUNDLE = "org.xroadng.auditlog.portal.web.messages";

    private final Map<Locale, ResourceBundle> bundles;

    private PortalMessages(Map<Locale, ResourceBundle> bundles) {
        this.bundles = Map.copyOf(bundles);
    }

    /** Loads the bundle of every {@link PortalLanguage#SUPPORTED} language; a missing bundle is an error. */
    public static PortalMessages load() {
        Map<Locale, ResourceBundle> bundles = new LinkedHashMap<>();
        ResourceBundle.Control noFallback = ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES);
        for (Locale language : PortalLanguage.SUPPORTED) {
            try {
                ResourceBundle bundle = ResourceBundle.getBundle(BUNDLE, language, PortalMessages.class.getClassLoader(),
                        noFallback);
                if (!bundle.getLocale().getLanguage().equals(language.getLanguage())) {
                    throw new IllegalStateException("no message bundle for " + language + " in the build");
                }
                bundles.put(language, bundle);
            } catch (MissingResourceException e) {
                throw new IllegalStateException("no message bundle for " + language + " in the build", e);
            }
        }
        return new PortalMessages(bundles);
    }

    /** The message {@code key} in {@code language} with its arguments filled in. */
    @Override
    public String get(Locale language, String key, Object... arguments) {
        return new MessageFormat(pattern(language, key), language).format(arguments);
    }

    /** Whether {@code key} exists (in every language; the tests keep the bundles equal). */
    @Override
    public boolean has(String key) {
        return bundles.get(PortalLanguage.DEFAULT).containsKey(key);
    }

    /** The raw pattern of {@code key} in {@code language}. */
    String pattern(Locale language, String key) {
        ResourceBundle bundle = bundles.get(language);
        if (bundle == null) {
            throw new IllegalArgumentException("the portal does not speak " + language + "; it speaks "
                    + PortalLanguage.SUPPORTED);
        }
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalArgumentException("no message '" + key + "' in the " + language + " bundle", e);
        }
    }

    /** The keys of one language's bundle, sorted. */
    Set<String> keys(Locale language) {
        return new TreeSet<>(bundles.get(language).keySet());
    }
}
