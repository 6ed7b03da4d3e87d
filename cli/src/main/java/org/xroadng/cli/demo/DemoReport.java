package org.xroadng.cli.demo;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.xroadng.protocol.XRoadHeaders;
import java.util.List;

/**
 * What the demo prints once the network runs: the sample exchanges through the tax board's client
 * proxy with their outcomes, the same queries as curl commands, where everything listens, the
 * operator consoles, {@code export} lines for the CLI, then it writes {@code network.json} and
 * prints the line containing {@code ready}.
 */
public final class DemoReport {

    /** The last line printed once the network answers; scripts wait for it. */
    public static final String READY = "ready: the demo network is running; Ctrl-C stops it";
    private static final int MAX_BODY = 300;

    private DemoReport() {
    }

    public static void present(DemoNetwork network, Progress progress, PrintWriter out, Clock clock)
            throws DemoException {
        out.printf("enrolment: %d steps done now, %d found already done%n", progress.doneCount(), progress.keptCount());
        DemoServer consumer = network.consumer();
        URI clientProxy = consumer.clientProxyUrl();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<SampleExchanges.Outcome> outcomes = new SampleExchanges(http).run(clientProxy);
        out.printf("%nsample exchanges through the client proxy of %s (%s):%n", consumer.id().format(), clientProxy);
        for (SampleExchanges.Outcome outcome : outcomes) {
            SampleExchange exchange = outcome.exchange();
            out.printf("  %s%n", exchange.title());
            out.printf("    GET %s as %s, purpose %s%n", exchange.path(), exchange.client().format(), exchange.purpose());
            out.printf("    -> %d%s %s%n", outcome.status(), outcome.error().isEmpty() ? "" : " " + outcome.error(),
                    shorten(outcome.body()));
            if (!outcome.asExpected()) {
                out.printf("    warning: expected %d; see the log above%n", exchange.expectedStatus());
            }
        }
        RestrictedSample.Outcome restricted = RestrictedSample.run(http, clientProxy, clock.instant());
        out.printf("  the tax board reads the citizen's record in a tax investigation, restricted until %s%n",
                restricted.disclose());
        out.printf("    GET %s as %s, purpose %s, %s: %s%n", RestrictedSample.path(), DemoCast.TAX.format(),
                DemoCast.TAX_PURPOSE, XRoadHeaders.RESTRICTION, restricted.headers().get(XRoadHeaders.RESTRICTION));
        out.printf("    -> %d%s %s: %s%n", restricted.status(), restricted.error().isEmpty() ? "" : " " + restricted.error(),
                XRoadHeaders.RESTRICTION, restricted.restriction());
        if (restricted.status() != 200) {
            out.printf("    warning: expected 200; see the log above%n");
        }
        out.printf("    until %s the citizen's portal shows only that a %s authority read the record, under legal basis"
                + " %s, and when it is disclosed; from then on the whole access, checked against what was logged now%n",
                restricted.disclose(), DemoCast.TAX_AUTHORITY, DemoCast.TAX_LEGAL_BASIS);
        out.printf("%ntry it yourself (an information system talks plain HTTP to its security server):%n");
        for (SampleExchange exchange : SampleExchange.ALL) {
            out.printf("  %s%n", exchange.curl(clientProxy));
        }
        out.printf("%nwhere everything listens (ports %d..%d):%n", network.ports().base(), network.ports().last());
        out.printf("  trust services (OCSP, TSA, CA certificate)  %s%n", network.trustUrl());
        out.printf("  central registry                            %s/api/v1 (API key in network.json)%n",
                network.registryUrl());
        for (DemoServer server : network.servers()) {
            out.printf("  security server %-20s    client proxy %s, server proxy %s, admin API %s/api/v1%n",
                    server.id().format(), server.clientProxyUrl(), server.serverProxyUrl(), server.adminUrl());
        }
        for (DemoWitness witness : network.witnesses()) {
            out.printf("  %-43s %s%n", "witness of " + witness.cast().english(), witness.url());
        }
        out.printf("  sample provider IS                          %s/person/{personalCode}%n", network.providerIsUrl());
        DemoPortal portal = network.portal();
        out.printf("  citizen portal                              %s/ (JSON: %s/api/v1/events)%n", portal.url(),
                portal.url());
        out.printf("  development identity provider (demo only)   %s%n", portal.identityProviderUrl());
        out.printf("%nregistry console (user %s, role admin; development password):%n", DemoNetwork.REGISTRY_CONSOLE_USER);
        out.printf("  %-28s %s  password %s%n", "central registry", network.registryConsoleUrl(),
                network.registryConsolePassword());
        out.printf("%noperator consoles (user %s; every role but observer; development passwords):%n",
                DemoServer.CONSOLE_USER);
        for (DemoServer server : network.servers()) {
            out.printf("  %-28s %s  password %s%n", server.id().format(), server.consoleUrl(),
                    server.consolePassword());
        }
        out.printf("%ntransparency witnesses (a record is verified once %d of these %d cosigned its checkpoint):%n",
                WitnessEnrolment.QUORUM, network.witnesses().size() + 1);
        out.printf("  the central registry's own witness: %s%s%n", network.registryUrl(),
                org.xroadng.registry.RegistryServer.TLOG_WITNESS_PREFIX);
        for (DemoWitness witness : network.witnesses()) {
            out.printf("  %s / %s: %s%n", witness.cast().english(), witness.cast().vietnamese(),
                    witness.verifierKey().format());
        }
        DemoServer provider = network.provider();
        out.printf("%noperate it with the CLI (paste into a shell: the registry, %s's admin API, the PIN):%n",
                provider.id().format());
        out.printf("  %s%n", exportLine("XROAD_REGISTRY_URL", network.registryUrl().toString(), "XROAD_API_KEY",
                network.registryApiKey()));
        out.printf("  %s%n", exportLine("XROAD_ADMIN_URL", provider.adminUrl().toString(), "XROAD_ADMIN_KEY",
                provider.apiKey()));
        out.printf("  export XROAD_PIN=%s%n", DemoNetwork.DEVELOPMENT_PIN);
        out.printf("  ./xroad registry requests list; ./xroad server service list   # %s's: XROAD_ADMIN_URL=%s"
                + " XROAD_ADMIN_KEY=%s%n", consumer.id().format(), consumer.adminUrl(), consumer.apiKey());
        out.printf("%nthe data protection inspector of %s reads restricted accesses now (each reading is shown to the"
                + " citizen):%n", provider.id().format());
        out.printf("  %s%n", exportLine("XROAD_ADMIN_URL", provider.adminUrl().toString(), "XROAD_INSPECTOR_KEY",
                network.inspectorApiKey()));
        out.printf("  curl -s -H \"Authorization: Bearer $XROAD_INSPECTOR_KEY\" \"$XROAD_ADMIN_URL/api/v1/restricted-accesses"
                + "?subject=%s\"%n", DemoCast.CITIZEN);
        out.printf("%nthe citizen's view: open %s/ in a browser and sign in at the development identity provider as%n"
                + "%s (any personal code signs in there: it is for demos only). Or with curl:%n", portal.url(),
                DemoCast.CITIZEN);
        out.printf("  %s%n", DemoPortal.tokenCommand(portal.identityProviderUrl(), DemoCast.CITIZEN));
        out.printf("  %s%n", DemoPortal.eventsCommand(portal.url()));
        Path file = NetworkFile.write(network);
        out.printf("%ntokens use the development PIN '%s' (for this demo only, never for real keys)%n",
                DemoNetwork.DEVELOPMENT_PIN);
        out.printf("network description: %s%n", file);
        out.println(READY);
        out.flush();
    }

    /** A shell line exporting a URL and a key (both free of characters the shell would interpret). */
    static String exportLine(String urlVariable, String url, String keyVariable, String key) {
        return "export " + urlVariable + "=" + url + " " + keyVariable + "=" + key;
    }

    private static String shorten(String body) {
        String line = body.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_BODY ? line : line.substring(0, MAX_BODY) + "...";
    }
}
