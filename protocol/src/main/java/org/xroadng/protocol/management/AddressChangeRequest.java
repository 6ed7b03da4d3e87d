package org.xroadng.protocol.management;

import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The payload of {@code addressChange}: the server's server proxy is to be reached at a new
 * {@code host:port} ({@link #checkAddress}). An operator approves it; peers connect there from the next global
 * configuration on.
 */
public record AddressChangeRequest(String type, SecurityServerId server, String address, Instant requestedAt)
        implements OwnerRequest {

    public static final String TYPE = "addressChange";

    public AddressChangeRequest {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected " + TYPE);
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(requestedAt, "requestedAt");
        checkAddress(address);
    }

    /**
     * Returns {@code address} when it is {@code host:port}: a DNS name or IPv4 address, or an IPv6
     * address in brackets, and a port from 1 to 65535.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static String checkAddress(String address) {
        int colon = address.lastIndexOf(':');
        String port = colon < 0 ? "" : address.substring(colon + 1);
        boolean valid = colon > 0 && port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1
                && Integer.parseInt(port) <= 65535
                && address.substring(0, colon).matches("[A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:]{2,39}\\]");
        if (!valid) {
            throw new IllegalArgumentException("address '" + address + "' is not host:port with a port from 1 to"
                    + " 65535 (for example ss1.example.org:5500)");
        }
        return address;
    }

    public AddressChangeRequest(SecurityServerId server, String address, Instant requestedAt) {
        this(TYPE, server, address, requestedAt);
    }
}
