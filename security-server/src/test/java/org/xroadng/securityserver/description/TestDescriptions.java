package org.xroadng.securityserver.description;

/** OpenAPI 3 descriptions the tests upload, parse and expect back. */
public final class TestDescriptions {

    /**
     * The population register's {@code person} service: {@code GET} and {@code DELETE
     * /person/{code}}, {@code POST /person/search}, {@code GET /file/{name}.json}. It has a comment,
     * odd spacing and a trailing blank line, which only a byte-for-byte copy keeps.
     */
    public static final String PERSON = """
            # Population register: persons
            openapi: 3.0.3
            info:   {title: Persons, version: '1.0'}
            paths:
              /person/{code}:
                parameters:
                  - {name: code, in: path, required: true, schema: {type: string}}
                get:
                  responses:
                    '200': {description: the person}
                delete:
                  responses:
                    '204': {description: removed}
              /person/search:
                post:
                  responses:
                    '200': {description: matches}
              /file/{name}.json:
                parameters:
                  - {name: name, in: path, required: true, schema: {type: string}}
                get:
                  responses:
                    '200': {description: a file}

            """;

    /** The next version of {@link #PERSON}: {@code GET /person/{code}} and {@code GET /person/{code}/address}. */
    public static final String PERSON_V2 = """
            openapi: 3.0.3
            info: {title: Persons, version: '2.0'}
            paths:
              /person/{code}:
                parameters:
                  - {name: code, in: path, required: true, schema: {type: string}}
                get:
                  responses:
                    '200': {description: the person}
              /person/{code}/address:
                parameters:
                  - {name: code, in: path, required: true, schema: {type: string}}
                get:
                  responses:
                    '200': {description: the address}
            """;

    private TestDescriptions() {
    }
}
