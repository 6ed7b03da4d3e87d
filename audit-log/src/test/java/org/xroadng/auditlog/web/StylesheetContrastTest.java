package org.xroadng.auditlog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The colours of the shared stylesheets (the operator consoles' {@code console.css}, the citizen
 * portal's {@code portal.css}) meet WCAG 2.1 AA: text 4.5:1 against its background (1.4.3), focus
 * rings and field borders 3:1 against what surrounds them (1.4.11). Contrast is WCAG's
 * (L1 + 0.05) / (L2 + 0.05) of relative luminances.
 *
 * <p>What is compared, read from the stylesheet itself: a rule with both {@code color} and a
 * {@code background} is one pair; the text colour of {@code body} and every rule with a colour but no
 * background of its own is checked against every light surface (a rule with a light background and
 * no colour, and {@code body}), since such text may sit on any of them, except the few rules placed
 * on the dark header ({@link #ON_HEADER}), checked against the header's background.
 */
class StylesheetContrastTest {

    private static final double TEXT = 4.5;
    private static final double NON_TEXT = 3.0;
    /** Rules whose text sits on the header's dark background, not on the page. */
    private static final List<String> ON_HEADER = List.of(".languages a");

    private static final Pattern RULE = Pattern.compile("([^{}]+)\\{([^}]*)}");
    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\\b");

    record Rule(String selector, Map<String, String> declarations) {
        String hex(String... properties) {
            for (String property : properties) {
                String value = declarations.get(property);
                if (value != null) {
                    Matcher m = HEX.matcher(value);
                    if (m.find()) {
                        return m.group();
                    }
                }
            }
            return null;
        }
    }

    @Test
    void contrast_isWcagsFormula() {
        assertEquals(21.0, contrast("#000", "#fff"), 1e-9);
        assertEquals(1.0, contrast("#0b3d62", "#0b3d62"), 1e-9);
        assertEquals(4.48, contrast("#777777", "#ffffff"), 0.01, "the classic grey that just fails AA");
        assertEquals(contrast("#b3261e", "#fde7e9"), contrast("#fde7e9", "#b3261e"), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/org/xroadng/auditlog/web/console.css", "/org/xroadng/auditlog/portal/web/portal.css"})
    void everyTextAndFocusColour_meetsWcagAa(String stylesheet) throws IOException {
        List<Rule> rules = parse(read(stylesheet));
        Rule body = rule(rules, "body");
        Rule header = rule(rules, "header");
        Map<String, String> surfaces = new LinkedHashMap<>();
        surfaces.put("body", body.hex("background", "background-color"));
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Rule r : rules) {
            String background = r.hex("background", "background-color");
            if (background != null && r.hex("color") == null && luminance(background) > 0.4) {
                surfaces.put(r.selector(), background);
            }
        }
        for (Rule r : rules) {
            String color = r.hex("color");
            String background = r.hex("background", "background-color");
            if (color != null && background != null) {
                checked += check(problems, r.selector(), color, Map.of(r.selector(), background), TEXT);
            } else if (color != null) {
                Map<String, String> under = ON_HEADER.contains(r.selector())
                        ? Map.of("header", header.hex("background")) : surfaces;
                checked += check(problems, r.selector(), color, under, TEXT);
            }
            String outline = r.hex("outline", "outline-color");
            if (outline != null && r.selector().contains(":focus")) {
                Map<String, String> around = r.selector().startsWith("header ")
                        ? Map.of("header", header.hex("background")) : surfaces;
                checked += check(problems, r.selector() + " (focus ring)", outline, around, NON_TEXT);
            }
            if (r.selector().startsWith("input") && r.hex("border") != null) {
                checked += check(problems, r.selector() + " (field border)", r.hex("border"), surfaces, NON_TEXT);
            }
        }
        checked += check(problems, "body text", body.hex("color"), surfaces, TEXT);
        assertTrue(problems.isEmpty(), stylesheet + " fails WCAG AA:\n" + String.join("\n", problems));
        assertTrue(checked >= 30, stylesheet + ": only " + checked + " pairs read; is the parser still right?");
        assertTrue(surfaces.size() >= 4, "surfaces read: " + surfaces);
        assertTrue(rules.stream().anyMatch(r -> r.selector().startsWith("header ") && r.selector().contains(":focus")),
                stylesheet + ": the focus ring on the dark header has a colour of its own");
    }

    private static int check(List<String> problems, String what, String color, Map<String, String> backgrounds,
                             double minimum) {
        for (Map.Entry<String, String> b : backgrounds.entrySet()) {
            double ratio = contrast(color, b.getValue());
            if (ratio < minimum) {
                problems.add(String.format(Locale.ROOT, "%s: %s on %s (%s) is %.2f:1, needs %.1f:1", what, color,
                        b.getValue(), b.getKey(), ratio, minimum));
            }
        }
        return backgrounds.size();
    }

    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    /** WCAG 2.1 relative luminance of an sRGB hex colour. */
    static double luminance(String hex) {
        String h = hex.substring(1);
        if (h.length() == 3) {
            h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
        }
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16) / 255.0;
            c[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    private static List<Rule> parse(String css) {
        String text = css.replaceAll("(?s)/\\*.*?\\*/", "");
        List<Rule> rules = new ArrayList<>();
        Matcher m = RULE.matcher(text);
        while (m.find()) {
            Map<String, String> declarations = new LinkedHashMap<>();
            for (String part : m.group(2).split(";")) {
                int colon = part.indexOf(':');
                if (colon > 0) {
                    declarations.put(part.substring(0, colon).strip(), part.substring(colon + 1).strip());
                }
            }
            for (String selector : m.group(1).split(",")) {
                rules.add(new Rule(selector.strip().replaceAll("\\s+", " "), declarations));
            }
        }
        return rules;
    }

    private static Rule rule(List<Rule> rules, String selector) {
        return rules.stream().filter(r -> r.selector().equals(selector)).findFirst()
                .orElseThrow(() -> new AssertionError("no rule " + selector));
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = StylesheetContrastTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no stylesheet " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
