package org.xroadng.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an operator puts in front of the nodes of a clustered security server, reduced to a test
 * fixture: a TCP balancer that hands each new connection to the next of its backends (round robin)
 * that accepts it, and pipes the bytes both ways (TLS passes through untouched, ending on the node).
 */
final class TcpBalancer implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Integer> backends = new CopyOnWriteArrayList<>();
    /** A client's connection and the backend connection it was handed to. */
    private record Link(Socket client, Socket backend, int port) {
    }

    private final List<Link> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    private TcpBalancer(ServerSocket listener, List<Integer> backends) {
        this.listener = listener;
        this.backends.addAll(backends);
    }

    /** Listens on a free port of 127.0.0.1, handing connections to the backends' ports. */
    static TcpBalancer start(List<Integer> backends) throws IOException {
        ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        TcpBalancer balancer = new TcpBalancer(listener, backends);
        Thread acceptor = new Thread(balancer::accept, "balancer-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return balancer;
    }

    int port() {
        return listener.getLocalPort();
    }

    /**
     * Sends new connections to these backends from now on, and closes the open ones to backends
     * not among them (as a balancer does when a node is taken out), so clients connect again.
     */
    void backends(List<Integer> ports) {
        backends.clear();
        backends.addAll(ports);
        for (Link link : open) {
            if (!ports.contains(link.port())) {
                closeQuietly(link.client());
                closeQuietly(link.backend());
                open.remove(link);
            }
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket backend = connect();
            if (backend == null) {
                closeQuietly(client);
                continue;
            }
            Link link = new Link(client, backend, backend.getPort());
            open.add(link);
            pipe(link, client, backend);
            pipe(link, backend, client);
        }
    }

    /** The next backend that accepts a connection, or null when none does. */
    private Socket connect() {
        List<Integer> ports = List.copyOf(backends);
        for (int tried = 0; tried < ports.size(); tried++) {
            int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
            Socket backend = new Socket();
            try {
                backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                return backend;
            } catch (IOException e) {
                closeQuietly(backend);
            }
        }
        return null;
    }

    private void pipe(Link link, Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(link);
            }
        }, "balancer-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Link link : open) {
            closeQuietly(link.client());
            closeQuietly(link.backend());
        }
    }
}
