package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;

/**
 * Where the demo listens: eleven consecutive loopback ports from {@code base}, in a fixed order.
 *
 * <pre>
 *   base+0  trust services (OCSP responder, TSA, CA certificate)
 *   base+1  central registry (operator API, management requests, global configuration)
 *   base+2  tax board's security server DEMO/GOV/1002/ss1: client proxy (HTTP, for information systems)
 *   base+3  tax board's security server: server proxy (mutual TLS, for peers)
 *   base+4  tax board's security server: admin API
 *   base+5  population registry's security server DEMO/GOV/1001/ss1: client proxy
 *   base+6  population registry's security server: server proxy
 *   base+7  population registry's security server: admin API
 *   base+8  sample provider information system (GET /person/{personalCode})
 *   base+9  citizen portal (web page and GET /api/v1/events)
 *   base+10 development identity provider (OpenID Connect, for the demo only)
 * </pre>
 */
public record DemoPorts(int base) {

    public static final int DEFAULT_BASE = 18800;
    /** How many ports the layout spans. */
    public static final int SPAN = 11;
    public static final String HOST = "127.0.0.1";

    public DemoPorts {
        if (base < 1 || base + SPAN - 1 > 65535) {
            throw new IllegalArgumentException("base port " + base + " leaves no room for the demo's " + SPAN
                    + " ports " + base + ".." + (base + SPAN - 1) + "; choose 1.." + (65535 - SPAN + 1));
        }
    }

    public int trust() {
        return base;
    }

    public int registry() {
        return base + 1;
    }

    public int consumerClientProxy() {
        return base + 2;
    }

    public int consumerServerProxy() {
        return base + 3;
    }

    public int consumerAdmin() {
        return base + 4;
    }

    public int providerClientProxy() {
        return base + 5;
    }

    public int providerServerProxy() {
        return base + 6;
    }

    public int providerAdmin() {
        return base + 7;
    }

    public int providerIs() {
        return base + 8;
    }

    public int portal() {
        return base + 9;
    }

    public int identityProvider() {
        return base + 10;
    }

    public int last() {
        return base + SPAN - 1;
    }

    public static InetSocketAddress address(int port) {
        return new InetSocketAddress(HOST, port);
    }

    public static URI http(int port) {
        return URI.create("http://" + HOST + ":" + port);
    }

    public static URI https(int port) {
        return URI.create("https://" + HOST + ":" + port);
    }

    /**
     * Checks that every port the demo listens on can be bound
     * on loopback now, so a clash is reported before anything starts, naming the port and its role.
     */
    public void requireFree() throws DemoException {
        String[] roles = {"trust services", "central registry", "tax board's client proxy", "tax board's server proxy",
                "tax board's admin API", "population registry's client proxy", "population registry's server proxy",
                "population registry's admin API", "sample provider IS", "citizen portal",
                "development identity provider"};
        for (int i = 0; i < roles.length; i++) {
            int port = base + i;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            } catch (IOException e) {
                throw new DemoException("port " + port + " (" + roles[i] + ") is not free on " + HOST + ": "
                        + e.getMessage() + "; stop what uses it or choose another --base-port");
            }
        }
    }
}
