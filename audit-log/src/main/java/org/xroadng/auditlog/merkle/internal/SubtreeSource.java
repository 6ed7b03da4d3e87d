package org.xroadng.auditlog.merkle.internal;

/**
 * Where the hashes of complete subtrees come from: the subtree of height h at position i covers
 * leaves [i * 2^h, (i + 1) * 2^h); height 0 is the leaf hash itself. Only subtrees inside the
 * current log are asked for.
 */
@FunctionalInterface
public interface SubtreeSource<E extends Exception> {

    byte[] hash(int height, long position) throws E;
}
