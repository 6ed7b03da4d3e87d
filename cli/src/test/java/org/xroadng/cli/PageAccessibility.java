package org.xroadng.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.attoparser.ParseException;
import org.attoparser.config.ParseConfiguration;
import org.attoparser.dom.DOMMarkupParser;
import org.attoparser.dom.Document;
import org.attoparser.dom.Element;
import org.attoparser.dom.INestableNode;
import org.attoparser.dom.INode;
import org.attoparser.dom.Text;

/**
 * What a page must have for people who use a screen reader or only a keyboard (WCAG 2.1 AA, the
 * parts a page's markup decides), checked on the HTML as served, parsed with AttoParser (the HTML
 * parser under Thymeleaf): {@code lang} on {@code <html>} in the page's language (3.1.1), a
 * non-empty {@code <title>} (2.4.2), a {@code <main>} landmark and any skip link pointing at an
 * element that exists (2.4.1), every form control named by a {@code <label>}, {@code aria-label} or
 * {@code aria-labelledby} (1.3.1, 4.1.2), images with {@code alt} (1.1.1), buttons and links with a
 * name (2.4.4, 4.1.2), ids unique and {@code aria-describedby} pointing at ids that exist (4.1.1),
 * and no positive {@code tabindex} reordering the keyboard's way through the page (2.4.3).
 * A fragment (a part the page inserts) is checked for all but the page-level rules.
 */
final class PageAccessibility {

    private static final Set<String> UNLABELLED_INPUTS = Set.of("hidden", "submit", "reset", "button", "image");

    private final Element root;
    private final List<Element> all = new ArrayList<>();
    private final Map<String, Element> ids = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private PageAccessibility(Document document) {
        Element html = null;
        for (INode node : document.getChildren()) {
            if (node instanceof Element e) {
                html = html == null ? e : html;
                collect(e);
            }
        }
        this.root = html;
    }

    /** The problems of a whole page served in {@code language}; empty when it passes. */
    static List<String> ofPage(String html, String language) {
        PageAccessibility page = parse(html);
        page.pageRules(language);
        page.elementRules();
        return page.problems;
    }

    /** The problems of a fragment a page inserts into itself; empty when it passes. */
    static List<String> ofFragment(String html) {
        PageAccessibility page = parse(html);
        page.elementRules();
        return page.problems;
    }

    private static PageAccessibility parse(String html) {
        try {
            return new PageAccessibility(new DOMMarkupParser(ParseConfiguration.htmlConfiguration()).parse(html));
        } catch (ParseException e) {
            throw new AssertionError("the page is not HTML that can be parsed: " + e.getMessage(), e);
        }
    }

    private void collect(Element e) {
        all.add(e);
        String id = e.getAttributeValue("id");
        if (id != null && ids.put(id, e) != null) {
            problems.add("id \"" + id + "\" is used more than once");
        }
        for (INode child : e.getChildren()) {
            if (child instanceof Element c) {
                collect(c);
            }
        }
    }

    private void pageRules(String language) {
        if (root == null || !root.elementNameMatches("html")) {
            problems.add("the page does not start with <html>");
            return;
        }
        if (!language.equals(root.getAttributeValue("lang"))) {
            problems.add("<html lang=\"" + root.getAttributeValue("lang") + "\"> on a page served in " + language);
        }
        List<Element> titles = named("title");
        if (titles.size() != 1 || text(titles.get(0)).isBlank()) {
            problems.add("the page needs one non-empty <title>, has " + titles.size());
        }
        if (named("main").size() != 1) {
            problems.add("the page needs one <main> landmark, has " + named("main").size());
        }
        for (Element a : named("a")) {
            String href = a.getAttributeValue("href");
            if (href != null && href.startsWith("#") && href.length() > 1 && !ids.containsKey(href.substring(1))) {
                problems.add("link to " + href + " points at no element");
            }
        }
    }

    private void elementRules() {
        Set<String> labelled = new HashSet<>();
        for (Element label : named("label")) {
            if (label.getAttributeValue("for") != null) {
                if (!ids.containsKey(label.getAttributeValue("for"))) {
                    problems.add("<label for=\"" + label.getAttributeValue("for") + "\"> names no control");
                }
                labelled.add(label.getAttributeValue("for"));
            }
        }
        for (Element e : all) {
            String name = e.getElementName().toLowerCase(java.util.Locale.ROOT);
            boolean control = name.equals("select") || name.equals("textarea") || (name.equals("input")
                    && !UNLABELLED_INPUTS.contains(String.valueOf(e.getAttributeValue("type")).toLowerCase(
                    java.util.Locale.ROOT)));
            if (control && !labelled.contains(e.getAttributeValue("id")) && !insideLabel(e) && !ariaNamed(e)) {
                problems.add("<" + name + " name=\"" + e.getAttributeValue("name") + "\" id=\""
                        + e.getAttributeValue("id") + "\"> has no label");
            }
            if (name.equals("input") && List.of("submit", "button", "reset").contains(String.valueOf(e.getAttributeValue("type")))
                    && blank(e.getAttributeValue("value")) && !ariaNamed(e)) {
                problems.add("<input type=\"" + e.getAttributeValue("type") + "\"> has no value to name it");
            }
            if (name.equals("img") && !e.hasAttribute("alt")) {
                problems.add("<img src=\"" + e.getAttributeValue("src") + "\"> has no alt");
            }
            if ((name.equals("button") || (name.equals("a") && e.hasAttribute("href")))
                    && text(e).isBlank() && !ariaNamed(e) && !hasImageWithAlt(e)) {
                problems.add("<" + name + " id=\"" + e.getAttributeValue("id") + "\"> has no text to name it");
            }
            String tabindex = e.getAttributeValue("tabindex");
            if (tabindex != null && !tabindex.strip().matches("0|-[0-9]+")) {
                problems.add("<" + name + " tabindex=\"" + tabindex + "\"> changes the keyboard order");
            }
            String describedBy = e.getAttributeValue("aria-describedby");
            if (describedBy != null) {
                for (String id : describedBy.trim().split("\\s+")) {
                    if (!ids.containsKey(id)) {
                        problems.add("aria-describedby=\"" + describedBy + "\" names no element " + id);
                    }
                }
            }
            String labelledBy = e.getAttributeValue("aria-labelledby");
            if (labelledBy != null) {
                for (String id : labelledBy.trim().split("\\s+")) {
                    if (!ids.containsKey(id)) {
                        problems.add("aria-labelledby=\"" + labelledBy + "\" names no element " + id);
                    }
                }
            }
        }
    }

    private static boolean ariaNamed(Element e) {
        return !blank(e.getAttributeValue("aria-label")) || !blank(e.getAttributeValue("aria-labelledby"));
    }

    private static boolean insideLabel(Element e) {
        for (INestableNode p = e.getParent(); p instanceof Element parent; p = parent.getParent()) {
            if (parent.elementNameMatches("label")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasImageWithAlt(Element e) {
        for (INode child : e.getChildren()) {
            if (child instanceof Element c && ((c.elementNameMatches("img") && !blank(c.getAttributeValue("alt")))
                    || hasImageWithAlt(c))) {
                return true;
            }
        }
        return false;
    }

    private List<Element> named(String name) {
        return all.stream().filter(e -> e.elementNameMatches(name)).toList();
    }

    private static String text(Element e) {
        StringBuilder out = new StringBuilder();
        for (INode child : e.getChildren()) {
            if (child instanceof Text t) {
                out.append(t.getContent());
            } else if (child instanceof Element c) {
                out.append(text(c));
            }
        }
        return out.toString();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
