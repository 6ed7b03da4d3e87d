package org.xroadng.cli;

import picocli.CommandLine.Command;

/** {@code xroad demo}: says honestly how far the demo network is built. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a whole network on loopback (trust services, registry, two security servers,"
                + " provider IS, citizen portal). Not built yet: today it says what is available.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    private final Services services;

    DemoCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        services.err().println("""
                xroad demo: the demo network is not built yet.
                Built so far: the trust services (CA, OCSP responder, TSA), software tokens and the
                central registry. Try them:
                  xroad ca init --dir demo-data/ca --name "Demo CA" --url http://127.0.0.1:8899
                  xroad trust serve --dir demo-data/ca
                  xroad registry init --dir demo-data/registry --instance DEMO --url http://127.0.0.1:8900
                  xroad registry serve --dir demo-data/registry
                (the commands ask for a PIN; set XROAD_PIN or use --pin-file). See README.md.""");
        services.err().flush();
        return 3;
    }
}
