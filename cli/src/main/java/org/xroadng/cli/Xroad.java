package org.xroadng.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code xroad} command. {@link #main} is the only place that reads the environment and the
 * system clock; every command gets them through {@link Services}.
 */
@Command(name = "xroad", mixinStandardHelpOptions = true, versionProvider = Xroad.Version.class,
        description = "A secure data exchange layer in the style of X-Road: trust services, central registry,"
                + " security servers and the citizen portal.",
        subcommands = {CaCommand.class, TrustCommand.class, TokenCommand.class, RegistryCommand.class, ServerCommand.class,
                EvidenceCommand.class, MessageLogCommand.class, BenchCommand.class, DemoCommand.class, PortalCommand.class,
                WitnessCommand.class, CommandLine.HelpCommand.class})
public final class Xroad implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Services services = new Services(new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                System.getenv(), out, err);
        System.exit(run(services, args));
    }

    /** Runs one command line; returns the exit code (0 success, 1 refused or failed, 2 usage error). */
    public static int run(Services services, String... args) {
        CommandLine commandLine = new CommandLine(new Xroad(), new Factory(services));
        commandLine.setOut(services.out());
        commandLine.setErr(services.err());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("error: " + message(e));
            if (services.env("XROAD_DEBUG").isPresent()) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    /** A one-line message for the user; unexpected failures say so and how to get details. */
    static String message(Throwable e) {
        if (e instanceof UserError || e instanceof IllegalArgumentException || isChecked(e)) {
            return e.getMessage();
        }
        return "internal error (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); set XROAD_DEBUG=1 for details";
    }

    private static boolean isChecked(Throwable e) {
        return !(e instanceof RuntimeException) && !(e instanceof Error);
    }

    /** Builds commands, handing {@link Services} to those whose constructor takes it. */
    private record Factory(Services services) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws ReflectiveOperationException {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == Services.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(services));
                }
            }
            try {
                return CommandLine.defaultFactory().create(type);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CommandLine.InitializationException("cannot create " + type.getName() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Xroad.class.getPackage().getImplementationVersion();
            return new String[] {"xroad " + (version == null ? "development" : version)};
        }
    }
}
