package org.xroadng.protocol.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.function.Function;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.id.XRoadId;

/**
 * The JSON mapping of protocol values, kept out of the domain types: identifiers are written as
 * their canonical string and parsed (and so validated) on the way in; times are ISO-8601 strings.
 * Unknown properties are refused, so a typo in a request is an error rather than a silent default.
 * A key given twice in one object is refused too: RFC 8259 section 4 leaves its meaning open, and a
 * signed payload or a request must have exactly one meaning (otherwise two readers may disagree on
 * which value was signed or checked). Anything after the one JSON value is refused as well.
 */
public final class ProtocolJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(identifierModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Jackson's wording of a duplicate key ({@code DupDetector}); the key follows in quotes. */
    private static final String DUPLICATE_PREFIX = "Duplicate field '";

    private ProtocolJson() {
    }

    /** A shared, immutable-by-convention mapper; configure a {@link ObjectMapper#copy()} to change it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Why {@code e} refused a document, written for the sender: a duplicated key is named, and the
     * line and column are given; never a Java class name or the parser's source description.
     */
    public static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String what;
        if (original.startsWith(DUPLICATE_PREFIX) && original.endsWith("'")) {
            what = "the key '" + original.substring(DUPLICATE_PREFIX.length(), original.length() - 1)
                    + "' appears more than once in one object";
        } else if (original.startsWith("Trailing token")) {
            what = "there is more after the one JSON value";
        } else {
            // Jackson names Java types in backquotes (`java.lang.String`) or in plain text; keep only
            // the simple syntax message.
            what = original.replaceAll("`?(java|javax|com\\.fasterxml)\\.[\\w.$]+`?", "a value")
                    .replaceAll("`?[A-Z]\\w*Feature\\.[A-Z_]+`?", "the parser's rules")
                    .replaceAll("(?s)\\s*\\n.*", "");
            if (what.isBlank()) {
                what = "malformed JSON";
            }
        }
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            what += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return what;
    }

    /** Jackson (de)serializers for every identifier type, as canonical strings. */
    public static SimpleModule identifierModule() {
        SimpleModule module = new SimpleModule("xroad-identifiers");
        module.addSerializer(XRoadId.class, new ToStringSerializer(XRoadId.class) {
            @Override
            public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(((XRoadId) value).format());
            }
        });
        module.addDeserializer(MemberId.class, parsing(MemberId.class, MemberId::parse));
        module.addDeserializer(SubsystemId.class, parsing(SubsystemId.class, SubsystemId::parse));
        module.addDeserializer(ClientId.class, parsing(ClientId.class, ClientId::parse));
        module.addDeserializer(ServiceId.class, parsing(ServiceId.class, ServiceId::parse));
        module.addDeserializer(SecurityServerId.class, parsing(SecurityServerId.class, SecurityServerId::parse));
        module.addDeserializer(GlobalGroupId.class, parsing(GlobalGroupId.class, GlobalGroupId::parse));
        return module;
    }

    private static <T> JsonDeserializer<T> parsing(Class<T> type, Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (InvalidIdentifierException e) {
                    throw ctxt.weirdStringException(text, type, e.getMessage());
                }
            }
        };
    }
}
