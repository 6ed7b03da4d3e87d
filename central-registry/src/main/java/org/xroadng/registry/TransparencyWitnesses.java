package org.xroadng.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.store.Jdbc;

/**
 * The transparency witnesses the registry lists in the global configuration, and the quorum of
 * their cosignatures a checkpoint needs (DESIGN.md section 7). Every change is in the admin audit
 * trail and published with the next configuration. Guarantees: each listed witness has a C2SP
 * {@code cosignature/v1} verifier key whose name is the witness's name, and an http(s) URL; the
 * quorum is 1 to the number listed (0 only while none is), so removing a witness that the quorum
 * still counts is refused until the quorum is lowered.
 */
public final class TransparencyWitnesses {

    /** A listed witness, and the quorum, as the operator API answers them. */
    public record View(List<GlobalConfiguration.TransparencyWitness> witnesses, int quorum) {
        public View {
            witnesses = List.copyOf(witnesses);
        }
    }

    private final Changes changes;

    public TransparencyWitnesses(Changes changes) {
        this.changes = changes;
    }

    public View get() {
        return changes.database().inTransaction(TransparencyWitnesses::read);
    }

    /** Lists a witness; with none listed before, the quorum becomes 1. */
    public View add(Actor actor, String url, String verifierKey) throws RegistryException {
        return changes.apply(actor, "witness.add", verifierKey, c -> {
            NoteVerifierKey key = key(verifierKey);
            String checkedUrl = url(url);
            if (Jdbc.count(c, "SELECT COUNT(*) FROM transparency_witness WHERE name = ?", key.name()) > 0) {
                throw RegistryException.conflict("a witness named " + key.name() + " is already listed; remove it"
                        + " first to change its key or URL");
            }
            Jdbc.update(c, "INSERT INTO transparency_witness (name, url, verifier_key, added_at) VALUES (?, ?, ?, ?)",
                    key.name(), checkedUrl, key.format(), changes.clock().instant());
            if (quorum(c) == 0) {
                setQuorum(c, 1);
            }
            return read(c);
        });
    }

    public View remove(Actor actor, String name) throws RegistryException {
        return changes.apply(actor, "witness.remove", name, c -> {
            long listed = Jdbc.count(c, "SELECT COUNT(*) FROM transparency_witness");
            if (Jdbc.update(c, "DELETE FROM transparency_witness WHERE name = ?", name) == 0) {
                throw RegistryException.notFound("no witness named " + name + " is listed");
            }
            int quorum = quorum(c);
            if (listed == 1) {
                setQuorum(c, 0);
            } else if (quorum > listed - 1) {
                throw RegistryException.conflict("removing " + name + " would leave " + (listed - 1)
                        + " witnesses for a quorum of " + quorum + "; lower the quorum first");
            }
            return read(c);
        });
    }

    public View setQuorum(Actor actor, int quorum) throws RegistryException {
        return changes.apply(actor, "witness.quorum", String.valueOf(quorum), c -> {
            long listed = Jdbc.count(c, "SELECT COUNT(*) FROM transparency_witness");
            if (listed == 0 ? quorum != 0 : quorum < 1 || quorum > listed) {
                throw RegistryException.badRequest("quorum is " + quorum + "; expected "
                        + (listed == 0 ? "0, as no witness is listed" : "1 to " + listed + ", the witnesses listed"));
            }
            setQuorum(c, quorum);
            return read(c);
        });
    }

    /** What the global configuration publishes. */
    public static GlobalConfiguration.Transparency transparency(Connection c) throws SQLException {
        View view = read(c);
        return new GlobalConfiguration.Transparency(view.witnesses(), view.quorum());
    }

    private static View read(Connection c) throws SQLException {
        return new View(Jdbc.query(c, "SELECT name, url, verifier_key FROM transparency_witness ORDER BY name",
                r -> new GlobalConfiguration.TransparencyWitness(r.getString(1), r.getString(2), r.getString(3))),
                quorum(c));
    }

    private static int quorum(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT setting_value FROM setting WHERE name = 'witnessQuorum'",
                r -> Integer.parseInt(r.getString(1))).orElse(0);
    }

    private static void setQuorum(Connection c, int quorum) throws SQLException {
        Jdbc.update(c, "UPDATE setting SET setting_value = ? WHERE name = 'witnessQuorum'", String.valueOf(quorum));
    }

    private static NoteVerifierKey key(String text) throws RegistryException {
        try {
            NoteVerifierKey key = NoteVerifierKey.parse(Validation.text("verifierKey", text, 1000));
            if (key.type() != NoteVerifierKey.COSIGNATURE_V1) {
                throw RegistryException.badRequest("verifierKey " + text + " is of type 0x0" + key.type()
                        + "; expected a witness's cosignature/v1 key (type 0x04), as xroad witness init prints it");
            }
            return key;
        } catch (NoteFormatException e) {
            throw RegistryException.badRequest("verifierKey: " + e.getMessage());
        }
    }

    private static String url(String text) throws RegistryException {
        String checked = Validation.text("url", text, 2000);
        try {
            return ConfigValues.httpUrl(checked).toString().replaceAll("/+$", "");
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("url '" + checked + "' is not " + e.getMessage());
        }
    }
}
