package org.xroadng.securityserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xroadng.protocol.json.ProtocolJson;

/** HTTP/1.1 as bytes through an {@link EmbeddedChannel}: requests written raw, answers decoded from what the pipeline wrote. */
public final class EmbeddedHttp {

    private EmbeddedHttp() {
    }

    /** {@code lines} joined with CRLF, ending the head with an empty line, then {@code body}. */
    public static ByteBuf request(String body, String... lines) {
        return Unpooled.copiedBuffer(String.join("\r\n", lines) + "\r\n\r\n" + body, StandardCharsets.ISO_8859_1);
    }

    /** Every response the channel has written so far, decoded (the caller releases them). */
    public static List<FullHttpResponse> responses(EmbeddedChannel channel) {
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            decoder.writeInbound(out);
        }
        List<FullHttpResponse> responses = new ArrayList<>();
        for (FullHttpResponse response = decoder.readInbound(); response != null; response = decoder.readInbound()) {
            responses.add(response);
        }
        decoder.finishAndReleaseAll();
        return responses;
    }

    /** The one response the channel has written. */
    public static FullHttpResponse response(EmbeddedChannel channel) {
        List<FullHttpResponse> responses = responses(channel);
        if (responses.size() != 1) {
            responses.forEach(FullHttpResponse::release);
            throw new AssertionError("expected one response, the channel wrote " + responses.size());
        }
        return responses.get(0);
    }

    /** The JSON body of an error answer. */
    public static JsonNode json(FullHttpResponse response) throws IOException {
        return ProtocolJson.mapper().readTree(response.content().toString(StandardCharsets.UTF_8));
    }
}
