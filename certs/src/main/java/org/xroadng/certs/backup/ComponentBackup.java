package org.xroadng.certs.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.xroadng.protocol.store.Database;

/**
 * What every component's backup and restore share (the security server's, the registry's, the
 * CA's): reading a directory's files, H2's online copy of a database, and restoring into a new
 * directory so that a refused or failed restore leaves nothing behind.
 */
public final class ComponentBackup {

    /** Checks a restored directory before it is moved into place, typically by opening the component from it. */
    public interface StagedCheck {
        void check(Path staged) throws BackupException;
    }

    private ComponentBackup() {
    }

    /** The files {@code names} (relative, {@code /}-separated) of {@code dir}, each of which must exist. */
    public static Map<String, byte[]> read(Path dir, List<String> names) throws BackupException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : names) {
            try {
                files.put(name, Files.readAllBytes(dir.resolve(name)));
            } catch (NoSuchFileException e) {
                throw new BackupException(dir + " has no " + name + "; is it the component's directory?");
            } catch (IOException e) {
                throw new BackupException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /**
     * The bytes of an embedded H2 database's {@code .mv.db} file as H2's {@code BACKUP TO} copies it:
     * consistent while the component keeps writing (it may be running, AUTO_SERVER).
     */
    public static byte[] copyOf(Database database) throws BackupException {
        if (database.engine() != Database.Engine.H2) {
            throw new BackupException("the tables are in PostgreSQL; this backup holds embedded H2 files only: back"
                    + " the database up with its own tools (pg_dump)");
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("xroad-backup");
            String zip = work.resolve("database.zip").toAbsolutePath().toString();
            if (zip.indexOf('\'') >= 0) {
                throw new BackupException("the temporary directory " + work + " holds a quote; set java.io.tmpdir");
            }
            database.<Void, SQLException>inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("BACKUP TO '" + zip + "'");
                }
                return null;
            });
            try (InputStream file = Files.newInputStream(Path.of(zip)); ZipInputStream in = new ZipInputStream(file)) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (entry.getName().endsWith(".mv.db")) {
                        return in.readAllBytes();
                    }
                }
            }
            throw new BackupException("H2's copy of the database holds no .mv.db file");
        } catch (SQLException e) {
            throw new BackupException("H2 could not copy the database: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupException("cannot copy the database: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** Refuses a directory that exists and is not empty: a component is never restored over another. */
    public static void requireEmpty(Path dir) throws BackupException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new BackupException(dir + " is a file; restore into a new or empty directory");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                throw new BackupException(dir + " is not empty; restore into a new or empty directory (a component"
                        + " is never restored over another)");
            }
        } catch (IOException e) {
            throw new BackupException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code files} into {@code DIR.restoring} beside {@code dir}, runs {@code check} on it,
     * then moves it to {@code dir} (new or empty); on any failure the staging directory is removed
     * and {@code dir} is left as it was.
     */
    public static void restoreInto(Map<String, byte[]> files, Path dir, StagedCheck check) throws BackupException {
        requireEmpty(dir);
        Path absolute = dir.toAbsolutePath().normalize();
        Path staging = absolute.resolveSibling(absolute.getFileName() + ".restoring");
        boolean done = false;
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = staging.resolve(file.getKey()).normalize();
                if (!target.startsWith(staging)) {
                    throw new BackupException(file.getKey() + " points outside the directory");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            check.check(staging);
            Files.deleteIfExists(absolute);
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } catch (IOException e) {
            throw new BackupException("cannot restore into " + dir + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                deleteTree(staging);
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a left-over temporary directory is harmless; the next restore clears its staging directory
        }
    }
}
