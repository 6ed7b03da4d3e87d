package org.xroadng.securityserver.description;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.conf.ConfValues;
import org.xroadng.securityserver.conf.ServiceEndpoint;

/**
 * Reads an OpenAPI 3 description (JSON or YAML, UTF-8) with swagger-parser and lists the endpoints
 * it declares: for each path and each operation, the method and the path with every template
 * parameter ({@code {id}}) made a wildcard ({@code *}); a segment that is only a parameter becomes
 * {@code *} (one segment), one that mixes text and parameters keeps the text ({@code {id}.json}
 * becomes {@code *.json}).
 *
 * <p>Strict: the document is refused when the parser reports anything at all, when it is not
 * OpenAPI 3.x, when a path item is a {@code $ref}, or when a path cannot be an endpoint (not
 * printable ASCII, {@code ?}, {@code #}, {@code %}, {@code .} or {@code ..} segments). References are
 * never resolved: nothing is fetched on the document's behalf. TRACE operations are not
 * endpoints (an access right cannot name TRACE).
 */
public final class OpenApiParser {

    /** The largest description taken, in bytes. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** At most this many of the parser's messages are reported. */
    private static final int MAX_PROBLEMS = 20;

    /** A description read: its media type and endpoints. */
    public record Parsed(String contentType, List<ServiceEndpoint> endpoints) {
    }

    public Parsed parse(byte[] content) throws DescriptionException {
        if (content.length == 0) {
            throw invalid("the description is empty", List.of());
        }
        if (content.length > MAX_BYTES) {
            throw invalid("the description is " + content.length + " bytes long; at most " + MAX_BYTES
                    + " are taken", List.of());
        }
        String text = utf8(content);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        ParseOptions options = new ParseOptions();
        options.setResolve(false);
        options.setValidateExternalRefs(false);
        options.setSafelyResolveURL(true);
        SwaggerParseResult result;
        try {
            result = new OpenAPIV3Parser().readContents(text, null, options);
        } catch (RuntimeException e) {
            throw invalid("the description cannot be read as OpenAPI", List.of(String.valueOf(e.getMessage())));
        }
        List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
        OpenAPI api = result.getOpenAPI();
        if (api == null || !messages.isEmpty()) {
            throw invalid("the description is not a valid OpenAPI 3 document", messages.isEmpty()
                    ? List.of("no OpenAPI document found") : messages);
        }
        if (api.getOpenapi() == null || !api.getOpenapi().startsWith("3.")) {
            throw invalid("the description is not OpenAPI 3", List.of("openapi: '" + api.getOpenapi()
                    + "'; expected 3.0.x or 3.1.x"));
        }
        return new Parsed(isJson(text) ? "application/json" : "text/yaml", endpoints(api));
    }

    private static List<ServiceEndpoint> endpoints(OpenAPI api) throws DescriptionException {
        Set<ServiceEndpoint> endpoints = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        if (api.getPaths() != null) {
            for (Map.Entry<String, PathItem> entry : api.getPaths().entrySet()) {
                String where = "paths.'" + entry.getKey() + "'";
                PathItem item = entry.getValue();
                if (item.get$ref() != null) {
                    problems.add(where + " is a $ref; describe the operations in place");
                    continue;
                }
                String path;
                try {
                    path = ConfValues.pathGlob(wildcards(entry.getKey()));
                } catch (ServerException e) {
                    problems.add(where + " cannot be an endpoint: " + e.getMessage());
                    continue;
                }
                for (PathItem.HttpMethod method : item.readOperationsMap().keySet()) {
                    if (method != PathItem.HttpMethod.TRACE) {
                        endpoints.add(new ServiceEndpoint(method.name().toUpperCase(Locale.ROOT), path));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw invalid("the description declares paths that cannot be endpoints", problems);
        }
        return List.copyOf(endpoints);
    }

    /** {@code /person/{code}} as {@code /person/*}; {@code /file/{name}.json} as {@code /file/*.json}. */
    static String wildcards(String template) {
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            int close = c == '{' ? template.indexOf('}', i) : -1;
            if (close > i && template.substring(i + 1, close).indexOf('/') < 0) {
                out.append('*');
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    private static String utf8(byte[] content) throws DescriptionException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("the description is not UTF-8 text", List.of(e.toString()));
        }
    }

    private static DescriptionException invalid(String message, List<String> reported) {
        List<String> problems = List.copyOf(new LinkedHashSet<>(reported));
        List<String> shown = problems.size() > MAX_PROBLEMS
                ? new ArrayList<>(problems.subList(0, MAX_PROBLEMS)) : new ArrayList<>(problems);
        if (problems.size() > MAX_PROBLEMS) {
            shown.add("and " + (problems.size() - MAX_PROBLEMS) + " more");
        }
        return new DescriptionException(DescriptionException.Kind.INVALID, message, shown);
    }
}
