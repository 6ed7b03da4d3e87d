package org.xroadng.securityserver.conf;

/** The outcome of an access check. */
public enum AccessDecision { ALLOWED, DENIED, PURPOSE_NOT_ALLOWED }
