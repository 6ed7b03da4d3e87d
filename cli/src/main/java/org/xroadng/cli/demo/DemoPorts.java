package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;

/**
 * Where the demo listens: thirteen consecutive loopback ports from {@code base} (three more for
 * each further provider server), in a fixed order.
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
 *   base+11 with {@code providerServers} 2: the population registry's second security server
 *           DEMO/GOV/1001/ss2: client proxy; base+12 its server proxy; base+13 its admin API;
 *           and so on, three ports for each further server
 *   then, at the end of the range (base+11 and base+12 with one provider server), the independent
 *   transparency witnesses: the demo's ombudsman's, then the university's
 * </pre>
 */
public record DemoPorts(int base, int providerServers) {

    public static final int DEFAULT_BASE = 18800;
    /** How many ports the layout spans with one provider server. */
    public static final int SPAN = 13;
    /** The ports before the further provider servers' (base+0 to base+10). */
    private static final int CORE = 11;
    /** The independent witnesses' ports, at the end of the range. */
    private static final int WITNESSES = 2;
    /** The most security servers the demo runs for the population registry. */
    public static final int MAX_PROVIDER_SERVERS = 4;
    public static final String HOST = "127.0.0.1";

    public DemoPorts {
        if (providerServers < 1 || providerServers > MAX_PROVIDER_SERVERS) {
            throw new IllegalArgumentException("provider servers " + providerServers + " is not allowed; choose 1.."
                    + MAX_PROVIDER_SERVERS);
        }
        int span = SPAN + 3 * (providerServers - 1);
        if (base < 1 || base + span - 1 > 65535) {
            throw new IllegalArgumentException("base port " + base + " leaves no room for the demo's " + span
                    + " ports " + base + ".." + (base + span - 1) + "; choose 1.." + (65535 - span + 1));
        }
    }

    /** One security server for the population registry. */
    public DemoPorts(int base) {
        this(base, 1);
    }

    /** How many ports the layout spans. */
    public int span() {
        return SPAN + 3 * (providerServers - 1);
    }

    /** The client proxy of the population registry's server {@code n} (1 is {@code ss1}). */
    public int providerClientProxy(int n) {
        return n == 1 ? providerClientProxy() : extraProviderPort(n);
    }

    public int providerServerProxy(int n) {
        return n == 1 ? providerServerProxy() : extraProviderPort(n) + 1;
    }

    public int providerAdmin(int n) {
        return n == 1 ? providerAdmin() : extraProviderPort(n) + 2;
    }

    private int extraProviderPort(int n) {
        if (n < 2 || n > providerServers) {
            throw new IllegalArgumentException("no provider server " + n + " among " + providerServers);
        }
        return base + CORE + 3 * (n - 2);
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

    /** The independent witness of the demo's ombudsman: the second port from the end of the range. */
    public int ombudsmanWitness() {
        return base + span() - WITNESSES;
    }

    /** The university's independent witness: the last port of the range. */
    public int universityWitness() {
        return base + span() - 1;
    }

    public int last() {
        return base + span() - 1;
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
        for (int i = 0; i < span(); i++) {
            int port = base + i;
            String role;
            if (port == ombudsmanWitness()) {
                role = "the demo ombudsman's witness";
            } else if (port == universityWitness()) {
                role = "the university's witness";
            } else {
                role = i < roles.length ? roles[i] : "population registry's server ss" + (2 + (i - CORE) / 3)
                        + "'s " + List.of("client proxy", "server proxy", "admin API").get((i - CORE) % 3);
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            } catch (IOException e) {
                throw new DemoException("port " + port + " (" + role + ") is not free on " + HOST + ": "
                        + e.getMessage() + "; stop what uses it or choose another --base-port");
            }
        }
    }
}
