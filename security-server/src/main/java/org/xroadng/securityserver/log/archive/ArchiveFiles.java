package org.xroadng.securityserver.log.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The archive directory's layout: file {@code n} of the chain is {@code messagelog-NNNNNN.jsonl}
 * (at least six digits), written first as {@code <name>.tmp}. Only complete files ever carry the
 * final name: the temporary file is written, forced to disk, renamed atomically and the directory
 * forced too.
 */
final class ArchiveFiles {

    static final String SUFFIX = ".jsonl";
    static final String TEMP_SUFFIX = ".tmp";

    private static final Pattern NAME = Pattern.compile("messagelog-(\\d{6,18})\\.jsonl");

    private ArchiveFiles() {
    }

    static String name(long sequence) {
        return String.format("messagelog-%06d%s", sequence, SUFFIX);
    }

    /** The archive files in {@code dir} by sequence number (other files are ignored). */
    static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Matcher m = NAME.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isRegularFile(entry)) {
                    files.put(Long.parseLong(m.group(1)), entry);
                }
            }
        }
        return files;
    }

    /** Removes temporary files left by a run that stopped before renaming them. */
    static void removeTemporary(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "messagelog-*" + SUFFIX + TEMP_SUFFIX)) {
            for (Path entry : entries) {
                Files.delete(entry);
            }
        }
    }

    /**
     * Writes {@code bytes} as file {@code sequence}: to the temporary name, forced to disk, then
     * atomically renamed, then the directory forced, so after a crash the file is either absent or
     * complete. Refuses to replace an existing file.
     */
    static Path writeAtomically(Path dir, long sequence, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(name(sequence));
        if (Files.exists(target)) {
            throw new IOException("archive file " + target + " exists already");
        }
        Path temp = dir.resolve(name(sequence) + TEMP_SUFFIX);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(dir);
        return target;
    }

    /** Forces a directory's entries to disk; where the platform cannot open a directory, does nothing. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Windows cannot open directories; NTFS renames are journalled.
        }
    }
}
