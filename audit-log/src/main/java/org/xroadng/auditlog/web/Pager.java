package org.xroadng.auditlog.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Paging of the consoles' long lists: which page a link asks for, and the links and position the
 * shared {@code pager} fragment shows ("Page 2 of 3: rows 51 to 100 of 121", previous and next).
 */
public final class Pager {

    /** Rows on one page. */
    public static final int PAGE_SIZE = 50;
    /** The highest page number a link may ask for (keeps the offset an int). */
    public static final int MAX_PAGE = 1_000_000;

    private Pager() {
    }

    /**
     * The page number given as a query parameter's values: 1 when absent; anything but one whole
     * number from 1 to {@value #MAX_PAGE} is an {@link IllegalArgumentException} saying so.
     */
    public static int number(List<String> given) {
        if (given == null || given.isEmpty()) {
            return 1;
        }
        String text = given.get(0);
        if (given.size() > 1 || !text.matches("[0-9]{1,7}") || Integer.parseInt(text) < 1
                || Integer.parseInt(text) > MAX_PAGE) {
            throw new IllegalArgumentException("page '" + (text.length() > 20 ? text.substring(0, 20) + "..." : text)
                    + "' is not a page of this list; expected a whole number from 1");
        }
        return Integer.parseInt(text);
    }

    /** The first row of page {@code number}, counted from 0. */
    public static int offset(int number) {
        return (number - 1) * PAGE_SIZE;
    }

    /**
     * What the {@code pager} fragment shows for page {@code number} of a list of {@code total} rows:
     * {@code base} is the list's address up to its other parameters, ending with {@code ?} or
     * {@code &}; the previous and next addresses are empty where there is none.
     */
    public static Map<String, Object> links(String base, String param, int number, long total) {
        long pages = Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        Map<String, Object> pager = new LinkedHashMap<>();
        pager.put("param", param);
        pager.put("number", number);
        pager.put("pages", pages);
        pager.put("total", total);
        pager.put("first", total == 0 ? 0 : Math.min(total, (long) offset(number) + 1));
        pager.put("last", Math.min(total, (long) offset(number) + PAGE_SIZE));
        pager.put("prev", number > 1 ? base + param + "=" + Math.min(number - 1, pages) : "");
        pager.put("next", number < pages ? base + param + "=" + (number + 1) : "");
        return pager;
    }
}
