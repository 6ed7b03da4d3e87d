package org.xroadng.certs.profile;

/** A certificate or request does not fit its profile: missing or malformed identity, wrong key usage. */
public final class ProfileException extends Exception {

    public ProfileException(String message) {
        super(message);
    }
}
