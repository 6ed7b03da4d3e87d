package org.xroadng.securityserver.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's pooled connections against a server that closes idle connections, as ours do
 * after their idle timeout: a request that meets a connection the server has just closed goes
 * again on a fresh one, once, and the caller sees only the answer.
 */
class HttpExchangeClientTest {

    private final NioEventLoopGroup loops = new NioEventLoopGroup(1);
    private final HttpExchangeClient client = new HttpExchangeClient(loops, null, Runnable::run, false, 1 << 20,
            Duration.ofSeconds(5));

    @AfterEach
    void close() {
        client.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /**
     * Answers each connection's first request with a kept-alive 200; when the next request
     * arrives on it, closes the connection without answering, as a server whose idle timeout fired
     * just then does.
     */
    private static Thread oneAnswerPerConnection(ServerSocket server, AtomicInteger connections) {
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the request head; the test's requests have no body
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.readLine(); // the next request arrives as the idle timeout fires: closed unanswered
                } catch (IOException e) {
                    return;
                }
            }
        }, "one-answer-server");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Test
    void pooledConnectionClosedByTheServer_requestGoesAgainOnAFreshOne()
            throws IOException, ExecutionException, InterruptedException, TimeoutException {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            oneAnswerPerConnection(server, connections);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());
            HttpExchangeClient.Request request = new HttpExchangeClient.Request("GET", "/", List.of(), new byte[0]);

            assertEquals(200, client.send(address, request, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).status());
            HttpExchangeClient.Answer second = client.send(address, request, Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS);

            assertEquals(200, second.status());
            assertEquals("ok", new String(second.body(), StandardCharsets.US_ASCII));
            assertTrue(connections.get() == 2, "the second request went on a new connection: " + connections);
        }
    }

    @Test
    void clientClosedWhileARequestIsAnswered_theAnswerArrives_thenItsConnectionIsClosed()
            throws IOException, ExecutionException, InterruptedException, TimeoutException {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch received = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<String> afterAnswer = new java.util.concurrent.CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the request head
                    }
                    received.countDown();
                    answer.await();
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive"
                            + "\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    afterAnswer.complete(in.readLine() == null ? "closed" : "another request");
                } catch (java.net.SocketTimeoutException e) {
                    afterAnswer.complete("kept open");
                } catch (IOException | InterruptedException e) {
                    afterAnswer.completeExceptionally(e);
                }
            }, "answer-on-signal-server");
            thread.setDaemon(true);
            thread.start();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());

            var pending = client.send(address, new HttpExchangeClient.Request("GET", "/", List.of(), new byte[0]),
                    Duration.ofSeconds(10));
            assertTrue(received.await(10, TimeUnit.SECONDS));
            client.close(); // as PeerClient does with its old pool when this server's authentication key changes
            answer.countDown();

            assertEquals(200, pending.get(10, TimeUnit.SECONDS).status());
            assertEquals("closed", afterAnswer.get(10, TimeUnit.SECONDS),
                    "a closed client returns no connection to its pool");
        }
    }

    @Test
    void closedOnAnEventLoop_returnsAtOnce_andTheIdleConnectionCloses()
            throws IOException, ExecutionException, InterruptedException, TimeoutException {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> afterAnswer = new java.util.concurrent.CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the request head
                    }
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive"
                            + "\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    afterAnswer.complete(in.readLine() == null ? "closed" : "another request");
                } catch (java.net.SocketTimeoutException e) {
                    afterAnswer.complete("kept open");
                } catch (IOException e) {
                    afterAnswer.completeExceptionally(e);
                }
            }, "keep-alive-server");
            thread.setDaemon(true);
            thread.start();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());
            assertEquals(200, client.send(address, new HttpExchangeClient.Request("GET", "/", List.of(), new byte[0]),
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).status());

            // PeerClient replaces its pool on an event loop (as a request is sent): waiting there for a
            // channel of a loop to close had hung the sending loop for ever
            loops.next().submit(client::close).get(5, TimeUnit.SECONDS);

            assertEquals("closed", afterAnswer.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void postTheServerReadThenDroppedUnanswered_notSentAgain() throws IOException, InterruptedException,
            ExecutionException, TimeoutException {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            oneAnswerPerConnection(server, connections);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());
            client.send(address, new HttpExchangeClient.Request("GET", "/", List.of(), new byte[0]),
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.send(address, new HttpExchangeClient.Request("POST", "/transfer", List.of(),
                            new byte[0]), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));

            assertTrue(failed.getCause() instanceof IOException, failed.toString());
            assertFalse(RequestNotSentException.isNotSent(failed.getCause()),
                    "written before the failure, so not reported as unsent: " + failed.getCause());
            assertEquals(1, connections.get(), "a POST the server may have applied is not sent again");
        }
    }

    @Test
    void clientClosed_isTheCauseOnlyUnderANotSentFailure() {
        HttpExchangeClient.ClientClosedException closed = new HttpExchangeClient.ClientClosedException();

        assertTrue(HttpExchangeClient.ClientClosedException.isCause(
                new java.util.concurrent.CompletionException(new RequestNotSentException(closed))));
        assertFalse(HttpExchangeClient.ClientClosedException.isCause(new IOException("reset", closed)),
                "closed after the request was written: it may have been acted on");
        assertFalse(HttpExchangeClient.ClientClosedException.isCause(
                new RequestNotSentException(new IOException("connection refused"))));
    }

    @Test
    void connectionRefused_reportedAsNotSent() throws IOException, InterruptedException, TimeoutException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        ExecutionException failed = assertThrows(ExecutionException.class, () -> client.send(
                new InetSocketAddress("127.0.0.1", port), new HttpExchangeClient.Request("POST", "/", List.of(),
                        new byte[] {1}), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));

        assertTrue(failed.getCause() instanceof RequestNotSentException, failed.toString());
        assertTrue(failed.getCause().getCause() instanceof java.net.ConnectException, failed.toString());
    }

    @Test
    void tlsHandshakeFails_reportedAsNotSentAndNothingOfTheRequestArrives() throws IOException, InterruptedException {
        HttpExchangeClient tlsClient = new HttpExchangeClient(loops, io.netty.handler.ssl.SslContextBuilder.forClient()
                .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build(), Runnable::run,
                false, 1 << 20, Duration.ofSeconds(5));
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            Thread notTls = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    byte[] hello = new byte[5];
                    int n = socket.getInputStream().read(hello); // the start of a ClientHello
                    received.write(hello, 0, Math.max(n, 0));
                    socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    socket.setSoTimeout(2000);
                    socket.getInputStream().transferTo(received);
                } catch (IOException e) {
                    // the client closed the connection
                }
            });
            notTls.start();

            ExecutionException failed = assertThrows(ExecutionException.class, () -> tlsClient.send(
                    new InetSocketAddress("127.0.0.1", server.getLocalPort()), new HttpExchangeClient.Request("POST",
                            "/transfer", List.of(), "pay 100".getBytes(StandardCharsets.US_ASCII)),
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            notTls.join(5000);

            assertTrue(failed.getCause() instanceof RequestNotSentException, failed.toString());
            assertEquals(0x16, received.toByteArray()[0], "the server saw a TLS handshake record");
        } finally {
            tlsClient.close();
        }
    }

    /**
     * Twelve requests at once to a server that has not yet finished any TLS handshake: only
     * {@link HttpExchangeClient#MAX_OPENING} connections are opened; the other requests wait. When
     * the handshakes fail, every waiting request fails as not sent, and no further connection is tried.
     */
    @Test
    void burstWithoutIdleConnections_opensAtMostFourAtOnce_andAFailedOpeningFailsTheWaiting()
            throws IOException, InterruptedException {
        HttpExchangeClient tlsClient = new HttpExchangeClient(loops, io.netty.handler.ssl.SslContextBuilder.forClient()
                .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build(), Runnable::run,
                false, 1 << 20, Duration.ofSeconds(5));
        List<Socket> accepted = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread silent = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        accepted.add(server.accept()); // never answers the ClientHello
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-server");
            silent.setDaemon(true);
            silent.start();
            List<java.util.concurrent.CompletableFuture<HttpExchangeClient.Answer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                answers.add(tlsClient.send(new InetSocketAddress("127.0.0.1", server.getLocalPort()),
                        new HttpExchangeClient.Request("GET", "/" + i, List.of(), new byte[0]), Duration.ofSeconds(5)));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (accepted.size() < HttpExchangeClient.MAX_OPENING && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertEquals(HttpExchangeClient.MAX_OPENING, accepted.size(), "connections being opened at once");

            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
            for (var answer : answers) {
                ExecutionException failed = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
                assertTrue(failed.getCause() instanceof RequestNotSentException, failed.toString());
            }
            Thread.sleep(200);
            assertEquals(HttpExchangeClient.MAX_OPENING, accepted.size(), "no connection tried after the failures");
        } finally {
            tlsClient.close();
        }
    }

    /**
     * Sixteen requests at once to a TLS server whose handshakes take 300 ms and whose answers are
     * immediate: the first connections opened carry the waiting requests one after another, so
     * all are answered over at most two rounds of openings, not one connection per request.
     */
    @Test
    void burstWhileHandshakesAreSlow_waitingRequestsTakeTheConnectionsReleased()
            throws IOException, InterruptedException, ExecutionException, TimeoutException,
            java.security.cert.CertificateException {
        io.netty.handler.ssl.util.SelfSignedCertificate certificate = new io.netty.handler.ssl.util.SelfSignedCertificate();
        io.netty.handler.ssl.SslContext serverTls = io.netty.handler.ssl.SslContextBuilder
                .forServer(certificate.certificate(), certificate.privateKey()).build();
        java.util.concurrent.ScheduledExecutorService slow = java.util.concurrent.Executors.newScheduledThreadPool(4);
        AtomicInteger connections = new AtomicInteger();
        io.netty.channel.Channel server = new io.netty.bootstrap.ServerBootstrap().group(loops)
                .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(serverTls.newHandler(ch.alloc(),
                                        task -> slow.schedule(task, 300, TimeUnit.MILLISECONDS)),
                                new io.netty.handler.codec.http.HttpServerCodec(),
                                new io.netty.handler.codec.http.HttpObjectAggregator(1024),
                                new io.netty.channel.SimpleChannelInboundHandler<io.netty.handler.codec.http.FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                                                io.netty.handler.codec.http.FullHttpRequest request) {
                                        var ok = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                                                io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                                io.netty.handler.codec.http.HttpResponseStatus.OK,
                                                io.netty.buffer.Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                                        io.netty.handler.codec.http.HttpUtil.setContentLength(ok, 2);
                                        ctx.writeAndFlush(ok);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        HttpExchangeClient tlsClient = new HttpExchangeClient(loops, io.netty.handler.ssl.SslContextBuilder.forClient()
                .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build(), Runnable::run,
                false, 1 << 20, Duration.ofSeconds(10));
        try {
            List<java.util.concurrent.CompletableFuture<HttpExchangeClient.Answer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(tlsClient.send((InetSocketAddress) server.localAddress(),
                        new HttpExchangeClient.Request("GET", "/" + i, List.of(), new byte[0]), Duration.ofSeconds(10)));
            }
            for (var answer : answers) {
                assertEquals(200, answer.get(20, TimeUnit.SECONDS).status());
            }
            assertTrue(connections.get() <= 2 * HttpExchangeClient.MAX_OPENING,
                    "16 requests answered over " + connections.get() + " connections");
        } finally {
            tlsClient.close();
            server.close().sync();
            slow.shutdownNow();
            certificate.delete();
        }
    }
}
