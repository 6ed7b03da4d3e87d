package org.xroadng.protocol.globalconf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.globalconf.ConfigurationSource.Download;

/**
 * Keeps a security server's copy of the global configuration (DESIGN.md section 5): downloads it,
 * verifies it against the anchor, and keeps the last good copy when a download fails or is refused.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #refresh} accepts a configuration only if {@link ConfigurationVerifier} accepts it
 *       at the clock's time and its version is not lower than the last good one's
 *       ({@link Reason#VERSION_ROLLBACK}); the same version with other content is refused too
 *       ({@link Reason#VERSION_CONFLICT}). On any failure the last good copy stays as it was.</li>
 *   <li>{@link #current} never returns a configuration that has expired by the clock.</li>
 *   <li>After a configuration is accepted, the anchor trusts exactly its signer's certificate and
 *       the next one it announces ({@link Anchor#rotatedBy}); with an anchor file, the rotated
 *       anchor is written there atomically.</li>
 *   <li>With a cache file, each accepted configuration is written there atomically as signed,
 *       and read back and re-verified (expired or not) on construction, so the version floor
 *       survives a restart. A cache file that fails verification is ignored with a warning; one
 *       that cannot be written is reported with a warning and the configuration is still used.</li>
 *   <li>Thread-safe: refreshes run one at a time; {@link #current} and {@link #lastGood} never block
 *       and see either the old or the new copy in full.</li>
 * </ul>
 */
public final class ConfigurationClient {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationClient.class);

    /** The last good configuration, the signed form it came in, and the entity tag it was served with. */
    private record Held(GlobalConfiguration configuration, String signed, String etag) {
    }

    private final Provider provider;
    private final ConfigurationSource source;
    private final Clock clock;
    private final Path cacheFile;
    private final Path anchorFile;
    private volatile ConfigurationVerifier verifier;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile Held held;

    /**
     * @param provider  the JCA provider that verifies signatures
     * @param cacheFile where the last good signed configuration is kept across restarts, or null
     *                  to keep it in memory only
     */
    public ConfigurationClient(Anchor anchor, ConfigurationSource source, Clock clock, Provider provider,
                               Path cacheFile) {
        this(anchor, source, clock, provider, cacheFile, null);
    }

    /**
     * As above; {@code anchorFile}, when given, is where the anchor came from: a rotation of the
     * registry's configuration signing key ({@link Anchor#rotatedBy}) is written back there
     * atomically, so a restart trusts what the running client trusted.
     */
    public ConfigurationClient(Anchor anchor, ConfigurationSource source, Clock clock, Provider provider,
                               Path cacheFile, Path anchorFile) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.verifier = new ConfigurationVerifier(anchor, provider);
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cacheFile = cacheFile;
        this.anchorFile = anchorFile;
        this.held = cacheFile == null ? null : loadCache(cacheFile);
    }

    /** The anchor trusted now: the one given, as rotated by the configurations accepted since. */
    public Anchor anchor() {
        return verifier.anchor();
    }

    /**
     * Downloads the configuration (conditionally, with the entity tag of the last good copy) and
     * makes it the last good copy if it passes every check; returns the copy now current.
     * A "not modified" answer returns the last good copy, unless it has expired.
     */
    public GlobalConfiguration refresh() throws ConfigurationException {
        refreshLock.lock();
        try {
            Held last = held;
            Download download = source.fetch(last == null ? null : last.etag());
            Instant now = clock.instant();
            if (download.status() == Download.Status.NOT_MODIFIED) {
                if (last == null) {
                    throw new ConfigurationException(Reason.DOWNLOAD_FAILED, "the source answered 'not modified' to "
                            + "a request without an entity tag; expected a configuration");
                }
                return unexpired(last.configuration(), now);
            }
            ConfigurationVerifier.Verified verified = verifier.verified(download.body(), now);
            GlobalConfiguration fresh = verified.configuration();
            if (last != null) {
                GlobalConfiguration previous = last.configuration();
                if (fresh.version() < previous.version()) {
                    throw new ConfigurationException(Reason.VERSION_ROLLBACK, "configuration version "
                            + fresh.version() + " is older than the last good version " + previous.version()
                            + "; expected " + previous.version() + " or later",
                            "at least " + previous.version(), Long.toString(fresh.version()), null);
                }
                if (fresh.version() == previous.version()) {
                    if (!fresh.equals(previous)) {
                        throw new ConfigurationException(Reason.VERSION_CONFLICT, "configuration version "
                                + fresh.version() + " differs from the last good configuration of the same version;"
                                + " expected identical content or a higher version",
                                "content of version " + previous.version() + " generated at " + previous.generatedAt(),
                                "other content generated at " + fresh.generatedAt(), null);
                    }
                    held = new Held(previous, last.signed(), download.etag());
                    return previous;
                }
            }
            String signed = download.body().strip();
            writeCache(signed);
            held = new Held(fresh, signed, download.etag());
            rotateAnchor(verified);
            LOG.info("global configuration of {} is now version {}, expiring at {}",
                    fresh.instance(), fresh.version(), fresh.expiresAt());
            return fresh;
        } finally {
            refreshLock.unlock();
        }
    }

    /** The last configuration that passed verification, even if it has expired since. */
    public Optional<GlobalConfiguration> lastGood() {
        Held current = held;
        return current == null ? Optional.empty() : Optional.of(current.configuration());
    }

    /**
     * The last good configuration if it has not expired by the clock; otherwise
     * {@link Reason#EXPIRED}, or {@link Reason#NOT_DOWNLOADED} when there has never been one.
     */
    public GlobalConfiguration current() throws ConfigurationException {
        Held current = held;
        if (current == null) {
            throw new ConfigurationException(Reason.NOT_DOWNLOADED, "no global configuration for instance '"
                    + verifier.anchor().instance() + "' has been downloaded and verified yet from "
                    + verifier.anchor().downloadUrl());
        }
        return unexpired(current.configuration(), clock.instant());
    }

    private static GlobalConfiguration unexpired(GlobalConfiguration configuration, Instant now)
            throws ConfigurationException {
        if (configuration.isExpiredAt(now)) {
            throw new ConfigurationException(Reason.EXPIRED, "the last good configuration, version "
                    + configuration.version() + ", expired at " + configuration.expiresAt() + "; now is " + now,
                    "expiresAt after " + now, configuration.expiresAt().toString(), null);
        }
        return configuration;
    }

    /**
     * Trusts, from now on, the key that signed the accepted configuration and the next key it
     * announces (DESIGN.md section 5, key rotation): a configuration signed by the next
     * key drops the old one; one signed by the current key starts or withdraws a rotation.
     */
    private void rotateAnchor(ConfigurationVerifier.Verified verified) {
        Anchor current = verifier.anchor();
        Anchor rotated = current.rotatedBy(verified.signer(),
                verified.configuration().nextConfigurationSigningCertificate());
        if (rotated.equals(current)) {
            return;
        }
        verifier = new ConfigurationVerifier(rotated, provider);
        LOG.info("the registry of {} rotates its configuration signing key: configurations signed by {} are now"
                        + " accepted", rotated.instance(), rotated.signingCertificates().stream()
                        .map(c -> AnchorFile.fingerprint(Base64.getDecoder().decode(c)))
                        .collect(Collectors.joining(" or ")));
        if (anchorFile != null) {
            try {
                AnchorFile.write(anchorFile, rotated);
            } catch (IOException e) {
                LOG.warn("cannot write the rotated anchor to {}; after a restart the old anchor is trusted: {}",
                        anchorFile, e.toString());
            }
        }
    }

    private Held loadCache(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            String signed = Files.readString(file, StandardCharsets.US_ASCII).strip();
            GlobalConfiguration cached = verifier.verifyIgnoringExpiry(signed);
            LOG.info("loaded cached global configuration version {} of {} from {}",
                    cached.version(), cached.instance(), file);
            return new Held(cached, signed, null);
        } catch (IOException e) {
            LOG.warn("ignoring cached global configuration {}: it cannot be read: {}", file, e.toString());
        } catch (ConfigurationException e) {
            LOG.warn("ignoring cached global configuration {}: {}", file, e.getMessage());
        }
        return null;
    }

    private void writeCache(String signed) {
        if (cacheFile == null) {
            return;
        }
        try {
            AtomicFiles.write(cacheFile, (signed + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.warn("cannot write the global configuration cache {}; a restart will not know this version: {}",
                    cacheFile, e.toString());
        }
    }
}
