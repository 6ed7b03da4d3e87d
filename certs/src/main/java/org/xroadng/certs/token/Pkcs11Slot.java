package org.xroadng.certs.token;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a PKCS#11 token is: the module (the vendor's shared library implementing PKCS#11 v2.40)
 * and the slot holding the token, named either by its slot id ({@code CK_SLOT_ID}, as
 * {@code C_GetSlotList} reports it) or by its index in the list of slots with a token present.
 * Validated when created; {@code id} names the token in the server's configuration and messages.
 *
 * @param slotId    the slot id, or -1 when {@code slotIndex} chooses the slot
 * @param slotIndex the index among slots with a token, or -1 when {@code slotId} chooses the slot
 */
public record Pkcs11Slot(String id, Path module, long slotId, int slotIndex) {

    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");

    public Pkcs11Slot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(module, "module");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("token id '" + id + "' is not one: expected 1 to 32 letters, digits,"
                    + " '_' and '-', starting with a letter (e.g. hsm1)");
        }
        if (!module.isAbsolute()) {
            throw new IllegalArgumentException("module of token " + id + " is '" + module + "'; expected the absolute"
                    + " path of the HSM's PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so)");
        }
        if (module.toString().chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("module of token " + id + " is '" + module + "'; the JDK's PKCS#11"
                    + " configuration cannot name a path with white space: link the library from a path without it");
        }
        if ((slotId < 0) == (slotIndex < 0)) {
            throw new IllegalArgumentException("token " + id + " names " + (slotId < 0 ? "neither" : "both")
                    + " a slot id and a slot index; expected exactly one of them");
        }
    }

    /** The token in slot {@code slotId}. */
    public static Pkcs11Slot bySlotId(String id, Path module, long slotId) {
        return new Pkcs11Slot(id, module, slotId, -1);
    }

    /** The token in the {@code slotIndex}-th slot (from 0) that has a token. */
    public static Pkcs11Slot bySlotIndex(String id, Path module, int slotIndex) {
        return new Pkcs11Slot(id, module, -1, slotIndex);
    }

    /**
     * The SunPKCS11 configuration (JDK PKCS#11 Reference Guide, "SunPKCS11 Configuration"): keys
     * generated as token objects (CKA_TOKEN) that are sensitive and not extractable (PKCS#11 v2.40
     * section 4.9), so the private key can never leave the token, not even wrapped; public keys
     * as session objects (the certificate carries the public key).
     */
    String sunPkcs11Config() {
        return "--name=xroad-" + id + "\n"
                + "library=" + module + "\n"
                + (slotId >= 0 ? "slot=" + slotId : "slotListIndex=" + slotIndex) + "\n"
                + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
                + "  CKA_TOKEN = true\n  CKA_PRIVATE = true\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n"
                + "}\n"
                + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = false\n}\n";
    }
}
