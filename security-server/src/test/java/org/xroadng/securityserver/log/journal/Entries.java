package org.xroadng.securityserver.log.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Deterministic payloads and replay helpers for the journal tests. */
final class Entries {

    private Entries() {
    }

    /** A payload of {@code size} bytes whose content depends on {@code seed}. */
    static byte[] payload(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code count} payloads of {@code size} bytes, seeded by their position from {@code firstSeed}. */
    static List<byte[]> payloads(long firstSeed, int count, int size) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payloads.add(payload(firstSeed + i, size));
        }
        return payloads;
    }

    /** Every committed entry from {@code from}, checking the sequences are dense from there. */
    static List<byte[]> replay(Journal journal, long from) throws JournalException {
        List<byte[]> payloads = new ArrayList<>();
        long[] expected = {from};
        journal.replay(from, (sequence, payload) -> {
            assertEquals(expected[0]++, sequence, "replayed sequence");
            payloads.add(payload);
        });
        return payloads;
    }

    static void assertPayloads(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "number of entries");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "entry " + i);
        }
    }

    /** The segment files in {@code dir}, in name (= sequence) order. */
    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".journal")).sorted().toList();
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
