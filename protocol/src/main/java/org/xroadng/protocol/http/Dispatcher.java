package org.xroadng.protocol.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorBody;

/**
 * Last handler of a connection's pipeline, after {@link BodyLimit}: answers the connection's
 * requests one at a time, in the order they arrived (RFC 9112 section 9.3.2), whether an endpoint
 * on the worker pool answers or the server refuses the request itself ({@link Refusal}).
 *
 * <p>Back-pressure: when a request arrives the connection stops reading, and reads again only
 * once every request received so far is answered and the answer handed to the socket. So a
 * connection holds at most the request being answered plus what was already in the one buffer
 * read with it; a client that pipelines or does not read its answers is held back by TCP, not by
 * the heap. When the worker pool and its queue are full, the request is answered at once with a
 * 503 {@code Busy} rather than queued without end.
 *
 * <p>All fields are touched only on the connection's event loop; workers hand their answer back
 * to it. The endpoint runs on a worker and may block; nothing here blocks.
 */
final class Dispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** The last resort when even the incident answer cannot be built (out of memory). */
    private static final byte[] FAILED = ("{\"type\":\"InternalError\",\"message\":\"the server failed to handle"
            + " the request\",\"detail\":null}").getBytes(StandardCharsets.US_ASCII);

    /** The answer when the worker pool and its queue are full (RFC 9110 section 15.6.4). */
    private static final HttpReply BUSY = HttpReply.json(503, new ErrorBody("Busy",
            "the server is busy; try again", null)).withHeader("Retry-After", "1");

    /** One request waiting for its answer. */
    private record Exchange(ReceivedRequest request, boolean head, boolean keepAlive) {
    }

    private final Function<ReceivedRequest, HttpReply> endpoints;
    private final Executor workers;
    private final Queue<Object> waiting = new ArrayDeque<>();
    private boolean answering;
    /** Set once a request was received after which nothing more will be answered. */
    private boolean last;

    /** {@code endpoints} must answer every request, turning any failure into a reply. */
    Dispatcher(Function<ReceivedRequest, HttpReply> endpoints, Executor workers) {
        this.endpoints = endpoints;
        this.workers = workers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Object item;
        try {
            if (last) {
                return;
            }
            if (msg instanceof FullHttpRequest request) {
                item = request.decoderResult().isFailure()
                        ? Refusal.malformed(request.decoderResult().cause())
                        : exchange(request);
            } else if (msg instanceof Refusal refusal) {
                item = refusal;
            } else {
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
                return;
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (item instanceof Exchange exchange) {
            ctx.channel().config().setAutoRead(false);
            last = !exchange.keepAlive();
        } else {
            // refused: go on reading (the codec discards) so that the client, maybe still sending, sees the answer
            last = true;
        }
        waiting.add(item);
        if (!answering) {
            next(ctx);
        }
    }

    private static Exchange exchange(FullHttpRequest message) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        message.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>()).add(h.getValue()));
        ReceivedRequest request = new ReceivedRequest(message.method().name(), message.uri(), headers,
                ByteBufUtil.getBytes(message.content()));
        return new Exchange(request, message.method().name().equalsIgnoreCase("HEAD"), HttpUtil.isKeepAlive(message));
    }

    /** Starts answering the oldest waiting request, or reads again when none is left. */
    private void next(ChannelHandlerContext ctx) {
        Object item = waiting.poll();
        if (item == null) {
            answering = false;
            if (!last && ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        answering = true;
        if (item instanceof Refusal refusal) {
            send(ctx, Replies.response(HttpApiServer.error(refusal.problem()), false), false);
            return;
        }
        Exchange exchange = (Exchange) item;
        try {
            workers.execute(() -> {
                FullHttpResponse response = respond(exchange);
                try {
                    ctx.executor().execute(() -> send(ctx, response, exchange.keepAlive()));
                } catch (RejectedExecutionException closing) {
                    response.release();
                }
            });
        } catch (RejectedExecutionException busy) {
            send(ctx, Replies.response(BUSY, exchange.head()), exchange.keepAlive());
        }
    }

    /** On a worker: the endpoint's answer, or the incident 500 for any failure whatever. */
    private FullHttpResponse respond(Exchange exchange) {
        try {
            return Replies.response(endpoints.apply(exchange.request()), exchange.head());
        } catch (Throwable failure) {
            try {
                return Replies.response(HttpApiServer.incident(exchange.request(), failure), exchange.head());
            } catch (Throwable again) {
                return Replies.response(HttpReply.of(500, HttpReply.JSON, FAILED), exchange.head());
            }
        }
    }

    /** Writes the answer; then closes the connection, or answers the next request. */
    private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        written.addListener(future -> {
            if (!future.isSuccess() || !keepAlive) {
                waiting.clear();
                ctx.close();
            } else {
                // not called from here directly: a run of refused requests must not nest
                ctx.executor().execute(() -> next(ctx));
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        last = true;
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
