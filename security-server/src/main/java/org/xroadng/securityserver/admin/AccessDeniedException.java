package org.xroadng.securityserver.admin;

/**
 * An operator asked for an action none of their roles grants. Nothing was changed; the refusal is
 * in the audit trail. Answered 403 by the API and as a refusal on the console's page.
 */
public final class AccessDeniedException extends Exception {

    private final Permission permission;

    public AccessDeniedException(Operator operator, Permission permission, String action) {
        super(operator.auditName() + " may not " + action + ": it needs one of the roles "
                + Role.format(permission.roles()) + ", and holds " + (operator.roles().isEmpty() ? "none"
                : Role.format(operator.roles())));
        this.permission = permission;
    }

    public Permission permission() {
        return permission;
    }
}
