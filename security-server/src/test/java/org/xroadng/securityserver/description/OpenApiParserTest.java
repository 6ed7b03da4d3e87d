package org.xroadng.securityserver.description;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.securityserver.conf.ServiceEndpoint;

class OpenApiParserTest {

    private final OpenApiParser parser = new OpenApiParser();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void yamlDescription_declaresEachOperationWithTemplatesAsWildcards() throws DescriptionException {
        OpenApiParser.Parsed parsed = parser.parse(utf8(TestDescriptions.PERSON));
        assertEquals("text/yaml", parsed.contentType());
        assertEquals(List.of(new ServiceEndpoint("GET", "/file/*.json"), new ServiceEndpoint("DELETE", "/person/*"),
                new ServiceEndpoint("GET", "/person/*"), new ServiceEndpoint("POST", "/person/search")),
                parsed.endpoints());
    }

    @Test
    void jsonDescription_isTakenAsJson() throws DescriptionException {
        OpenApiParser.Parsed parsed = parser.parse(utf8("""
                {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                 "paths": {"/ping": {"head": {"responses": {"200": {"description": "up"}}}}}}"""));
        assertEquals("application/json", parsed.contentType());
        assertEquals(List.of(new ServiceEndpoint("HEAD", "/ping")), parsed.endpoints());
    }

    @Test
    void descriptionWithoutResponses_isRefusedNamingWhere() {
        DescriptionException e = assertThrows(DescriptionException.class, () -> parser.parse(utf8("""
                openapi: 3.0.3
                info:
                  title: broken
                  version: '1'
                paths:
                  /person/{code}:
                    get:
                      summary: no responses
                """)));
        assertEquals(DescriptionException.Kind.INVALID, e.kind());
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("paths.'/person/{code}'(get).responses")),
                e.problems().toString());
        assertTrue(e.getMessage().contains("responses"), e.getMessage());
    }

    @Test
    void swagger2_andNonsense_andNotUtf8_areRefused() {
        DescriptionException swagger = assertThrows(DescriptionException.class, () -> parser.parse(utf8("""
                swagger: '2.0'
                info: {title: old, version: '1'}
                paths: {}
                """)));
        assertTrue(swagger.getMessage().contains("openapi"), swagger.getMessage());
        DescriptionException yaml = assertThrows(DescriptionException.class,
                () -> parser.parse(utf8("openapi: 3.0.0\ninfo: [unclosed\n")));
        assertEquals(DescriptionException.Kind.INVALID, yaml.kind());
        DescriptionException binary = assertThrows(DescriptionException.class,
                () -> parser.parse(new byte[] {(byte) 0xC3, (byte) 0x28}));
        assertTrue(binary.getMessage().contains("UTF-8"), binary.getMessage());
        assertThrows(DescriptionException.class, () -> parser.parse(new byte[0]));
    }

    @Test
    void pathThatCannotBeAnEndpoint_isRefusedByName() {
        DescriptionException e = assertThrows(DescriptionException.class, () -> parser.parse(utf8("""
                openapi: 3.0.3
                info: {title: t, version: '1'}
                paths:
                  /a/../b:
                    get:
                      responses:
                        '200': {description: x}
                """)));
        assertTrue(e.getMessage().contains("paths.'/a/../b'"), e.getMessage());
    }
}
