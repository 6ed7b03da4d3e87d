package org.xroadng.registry;

import java.util.List;

/** One page of a listing: the items from {@code offset}, at most {@code limit} of them, of {@code total}. */
public record Page<T>(List<T> items, int offset, int limit, long total) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public Page {
        items = List.copyOf(items);
    }

    /** Checks paging parameters, refusing nonsense rather than correcting it. */
    public static void check(int offset, int limit) throws RegistryException {
        if (offset < 0) {
            throw RegistryException.badRequest("offset is " + offset + "; expected 0 or more");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw RegistryException.badRequest("limit is " + limit + "; expected 1.." + MAX_LIMIT);
        }
    }
}
