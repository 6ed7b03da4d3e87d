package org.xroadng.protocol.config;

/** A configuration file is missing, unreadable or holds a bad value; the message names file, key, value and what is allowed. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
