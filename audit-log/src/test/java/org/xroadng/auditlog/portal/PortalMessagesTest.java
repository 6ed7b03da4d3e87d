package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The bundles are complete in both languages, agree on arguments, and cover every key the code and templates use. */
class PortalMessagesTest {

    private final PortalMessages messages = PortalMessages.load();

    @Test
    void bothBundles_haveTheSameKeys() {
        Set<String> vi = messages.keys(PortalLanguage.VIETNAMESE);
        Set<String> en = messages.keys(PortalLanguage.ENGLISH);
        Set<String> missingInVi = new TreeSet<>(en);
        missingInVi.removeAll(vi);
        Set<String> missingInEn = new TreeSet<>(vi);
        missingInEn.removeAll(en);
        assertEquals(Set.of(), missingInVi, "untranslated into Vietnamese");
        assertEquals(Set.of(), missingInEn, "untranslated into English");
        assertTrue(vi.size() > 50, "the bundles hold the portal's texts: " + vi.size());
    }

    @Test
    void everyMessage_isAValidPatternWithTheSameArgumentsInBothLanguages() {
        for (String key : messages.keys(PortalLanguage.ENGLISH)) {
            String en = messages.pattern(PortalLanguage.ENGLISH, key);
            String vi = messages.pattern(PortalLanguage.VIETNAMESE, key);
            assertEquals(new MessageFormat(en).getFormatsByArgumentIndex().length,
                    new MessageFormat(vi).getFormatsByArgumentIndex().length, key);
            assertEquals(arguments(en), arguments(vi), key);
            assertTrue(!vi.isBlank() && !en.isBlank(), key);
        }
    }

    @Test
    void vietnamese_isWrittenWithDiacriticsAndApostrophesSurviveFormatting() {
        assertEquals("Demo Bank đã tìm cách đọc hồ sơ của bạn tại Population Registry và bị từ chối: không có quyền.",
                messages.get(PortalLanguage.VIETNAMESE, "outcome.refused.AccessDenied", "Demo Bank",
                        "Population Registry"));
        assertEquals("What the portal noticed in the servers' answers:",
                messages.get(PortalLanguage.ENGLISH, "problems.text"));
    }

    @Test
    void everyKeyTheCodeBuilds_exists() {
        for (String member : SideRecord.COMPARED) {
            assertTrue(messages.has("field." + member), member);
        }
        for (String refusal : Outcome.EXPLAINED_REFUSALS) {
            assertTrue(messages.has("outcome.refused." + refusal), refusal);
        }
        for (String kind : new String[] {"ok", "refused", "failed", "other"}) {
            assertTrue(messages.has("badge." + kind), kind);
            assertTrue(messages.has("outcome." + kind), kind);
        }
        for (CitizenEvents.Kind kind : CitizenEvents.Kind.values()) {
            assertTrue(messages.has("problem." + kind.name()), kind.name());
        }
        assertTrue(messages.has("unreachable.timedOut") && messages.has("unreachable.failed"));
        for (String side : new String[] {"consumer", "provider"}) {
            assertTrue(messages.has("sides." + side) && messages.has("sides." + side + ".refused"), side);
        }
    }

    @Test
    void everyKeyTheTemplatesAndScriptUse_exists() throws IOException {
        Pattern templateKey = Pattern.compile("#\\{([A-Za-z0-9.]+)");
        for (String template : new String[] {"index.html", "events.html"}) {
            Matcher m = templateKey.matcher(resource(template));
            int found = 0;
            while (m.find()) {
                assertTrue(messages.has(m.group(1)), template + " uses " + m.group(1));
                found++;
            }
            assertTrue(found > 5, template);
        }
        Matcher m = Pattern.compile("text\\(\"([A-Za-z]+)\"\\)").matcher(resource("portal.js"));
        String index = resource("index.html");
        while (m.find()) {
            String attribute = "th:data-" + m.group(1).replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
            assertTrue(index.contains(attribute + "=\"#{js." + m.group(1) + "}\""), "portal.js reads " + m.group(1));
        }
    }

    @Test
    void unknownKeyOrLanguage_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> messages.get(PortalLanguage.ENGLISH, "no.such.key"));
        assertThrows(IllegalArgumentException.class, () -> messages.get(java.util.Locale.GERMAN, "page.title"));
    }

    private static Set<String> arguments(String pattern) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile("\\{(\\d+)").matcher(pattern);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PortalMessages.class.getResourceAsStream("web/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
