package org.xroadng.securityserver.http;

import java.io.IOException;

/** An answer could not be received because the server's {@link BodyBudget} was spent. */
public final class BudgetExceededException extends IOException {

    public BudgetExceededException(long limit) {
        super("the server already holds its limit of " + limit + " bytes of messages in memory");
    }
}
