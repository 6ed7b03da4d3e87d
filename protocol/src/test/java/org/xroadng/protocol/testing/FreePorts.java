package org.xroadng.protocol.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests that must know a server's port before it binds (a CA whose certificates name its
 * own OCSP URL, a demo network, a port where nothing listens). Drawn below Linux's ephemeral range
 * (32768 and up): a port the kernel handed out with {@code new ServerSocket(0)} is one it may hand
 * again at once as the local port of an outgoing connection, which then takes it between the check
 * and the server's bind ("Address already in use", at random). A port is handed out once per JVM.
 */
public final class FreePorts {

    private static final int LOW = 20000;
    private static final int EPHEMERAL = 32768;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** One port free on loopback now. */
    public static int one() {
        return range(1);
    }

    /** The first of {@code span} consecutive ports, all free on loopback now. */
    public static int range(int span) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOW, EPHEMERAL - span);
            if (claim(base, span)) {
                return base;
            }
        }
        throw new AssertionError("no " + span + " consecutive free ports found between " + LOW + " and " + EPHEMERAL);
    }

    private static boolean claim(int base, int span) {
        for (int port = base; port < base + span; port++) {
            if (HANDED_OUT.contains(port) || !bindable(port)) {
                return false;
            }
        }
        for (int port = base; port < base + span; port++) {
            if (!HANDED_OUT.add(port)) {
                return false;
            }
        }
        return true;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
