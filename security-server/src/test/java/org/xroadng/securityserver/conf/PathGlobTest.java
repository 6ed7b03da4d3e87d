package org.xroadng.securityserver.conf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathGlobTest {

    private static boolean matches(String pattern, String path) {
        return PathGlob.compile(pattern).matches(path);
    }

    @Test
    void literalSegments_matchOnlyThemselves() {
        assertTrue(matches("/person/search", "/person/search"));
        assertFalse(matches("/person/search", "/person/search/x"));
        assertFalse(matches("/person/search", "/person"));
        assertFalse(matches("/person", "/persons"));
        assertTrue(matches("/", "/"));
        assertTrue(matches("/", ""));
        assertFalse(matches("/", "/x"));
        assertFalse(matches("/person/", "/person"), "a trailing slash is an empty last segment");
        assertTrue(matches("/person/", "/person/"));
    }

    @Test
    void star_isExactlyOneNonEmptySegment() {
        assertTrue(matches("/person/*", "/person/EE1"));
        assertFalse(matches("/person/*", "/person/EE1/address"));
        assertFalse(matches("/person/*", "/person"));
        assertFalse(matches("/person/*", "/person/"));
        assertTrue(matches("/*/address", "/EE1/address"));
    }

    @Test
    void doubleStar_isAnyNumberOfSegments() {
        assertTrue(matches("/**", "/"));
        assertTrue(matches("/**", "/a/b/c"));
        assertTrue(matches("/person/**", "/person"));
        assertTrue(matches("/person/**", "/person/EE1/address"));
        assertTrue(matches("/**/address", "/person/EE1/address"));
        assertTrue(matches("/**/**/address", "/address"));
        assertFalse(matches("/**/address", "/person/EE1/phone"));
        assertTrue(matches("/a/**/b/*", "/a/x/y/b/z"));
        assertFalse(matches("/a/**/b/*", "/a/x/y/b"));
    }

    @Test
    void starInsideASegment_matchesWithinThatSegmentOnly() {
        assertTrue(matches("/file/*.json", "/file/report.json"));
        assertTrue(matches("/file/*.json", "/file/.json"));
        assertFalse(matches("/file/*.json", "/file/report.xml"));
        assertFalse(matches("/file/*.json", "/file/a/b.json"));
        assertTrue(matches("/v*/person", "/v2/person"));
        assertTrue(matches("/a*b*c", "/aXXbYYc"));
        assertFalse(matches("/a*b*c", "/aXXbYY"));
    }

    @Test
    void covers_takesTheEndpointsWildcardsLiterally() {
        assertTrue(PathGlob.compile("/**").covers("/person/*"));
        assertTrue(PathGlob.compile("/person/*").covers("/person/*"));
        assertTrue(PathGlob.compile("/person/*").covers("/person/*.json"));
        assertFalse(PathGlob.compile("/person/EE1").covers("/person/*"), "one person is not every person");
        assertFalse(PathGlob.compile("/person/*.json").covers("/person/*"));
    }

    @Test
    void patternWithoutLeadingSlash_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> PathGlob.compile("person/*"));
    }
}
