package org.xroadng.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.xroadng.certs.token.Pkcs11Slot;
import org.xroadng.certs.token.Pkcs11Token;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.token.TokenKey;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.securityserver.keys.HsmToken;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xroad server token ...}: the HSM (PKCS#11) tokens a security server uses beside its
 * software token, one {@code tokens/ID.yaml} each in the server's directory ({@link HsmToken}).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "HSM (PKCS#11) tokens of a security server: add one (checked by logging in to it), list them."
                + " Signing keys are generated in one with 'xroad server init --sign-token ID' or"
                + " 'xroad server sign-key add --token ID'.",
        subcommands = {ServerTokenCommand.Add.class, ServerTokenCommand.ListTokens.class})
final class ServerTokenCommand {

    private ServerTokenCommand() {
    }

    static final class SlotChoice {
        @Option(names = "--slot", required = true, paramLabel = "SLOT_ID",
                description = "The token's slot id, as the HSM's tools list it (softhsm2-util --show-slots)")
        Long slotId;

        @Option(names = "--slot-index", required = true, paramLabel = "N",
                description = "The token's place (from 0) among the slots that hold a token")
        Integer slotIndex;
    }

    static final class PinChoice {
        @Option(names = "--token-pin-file", required = true, paramLabel = "FILE",
                description = "File whose first line is the HSM token's PIN (relative to the server directory or"
                        + " absolute), read whenever the server opens the token")
        Path pinFile;

        @Option(names = "--token-pin-env", required = true, paramLabel = "VARIABLE",
                description = "Environment variable holding the HSM token's PIN when the server opens it")
        String pinEnv;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Configure an HSM token for the server in DIR (before or after 'xroad server init'): logs in to"
                    + " it with its PIN first, so a wrong module, slot or PIN is refused and nothing is written.")
    static final class Add implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path dir;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The token's name here, e.g. hsm1")
        String id;

        @Option(names = "--module", required = true, paramLabel = "LIBRARY",
                description = "The HSM's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so")
        Path module;

        @ArgGroup(exclusive = true, multiplicity = "1")
        SlotChoice slot;

        @ArgGroup(exclusive = true, multiplicity = "1")
        PinChoice pin;

        Add(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            HsmToken token;
            try {
                Pkcs11Slot where = slot.slotId != null ? Pkcs11Slot.bySlotId(id, module, slot.slotId)
                        : Pkcs11Slot.bySlotIndex(id, module, slot.slotIndex);
                token = new HsmToken(where, pin.pinFile, pin.pinEnv);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            if (Files.exists(dir.resolve(HsmToken.DIR).resolve(id + ".yaml"))) {
                throw new UserError("the server in " + dir + " already has a token " + id + " ("
                        + dir.resolve(HsmToken.DIR).resolve(id + ".yaml") + "); choose another id");
            }
            try {
                int keys = token.open(dir, services::env, services.random(), services.clock()).keys().size();
                token.save(dir);
                services.out().printf("token %s added: logged in to slot %s of %s (%d keys in it)%n", id,
                        slot.slotId != null ? "id " + slot.slotId : "index " + slot.slotIndex, module, keys);
            } catch (TokenException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot write the token's configuration in " + dir.resolve(HsmToken.DIR) + ": "
                        + CaCommand.describe(e), e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the server's HSM tokens, logging in to each: its module, slot, and keys (or why it"
                    + " cannot be used).")
    static final class ListTokens implements java.util.concurrent.Callable<Integer> {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path dir;

        ListTokens(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            List<HsmToken> tokens;
            try {
                tokens = HsmToken.loadAll(dir);
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            }
            if (tokens.isEmpty()) {
                services.out().printf("the server in %s has no HSM tokens (only its software token)%n", dir);
                return 0;
            }
            int failed = 0;
            Table table = new Table("TOKEN", "MODULE", "SLOT", "STATUS", "KEYS");
            for (HsmToken token : tokens) {
                Pkcs11Slot slot = token.slot();
                String where = slot.slotId() >= 0 ? "id " + slot.slotId() : "index " + slot.slotIndex();
                try {
                    List<TokenKey> keys = token.open(dir, services::env, services.random(), services.clock()).keys();
                    table.row(token.id(), slot.module(), where, "logged in",
                            keys.isEmpty() ? null : String.join(" ", keys.stream().map(TokenKey::keyId).toList()));
                } catch (TokenException e) {
                    failed++;
                    table.row(token.id(), slot.module(), where, e.getMessage(), null);
                }
            }
            table.print(services.out());
            return failed == 0 ? 0 : 1;
        }
    }
}
