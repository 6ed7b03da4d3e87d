package org.xroadng.securityserver.keys;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.xroadng.certs.acme.EabCredentials;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;

/**
 * How this server renews its certificates by ACME ({@code acme.yaml} in its directory; without the
 * file there is no automatic renewal). Like X-Road's {@code acme.yml}, it holds the EAB credentials
 * the CA operator gave the server's owner.
 *
 * @param directory        the CA's ACME directory URL ({@code directoryUrl})
 * @param eab              the EAB key id and HMAC key ({@code eabKeyId}, {@code eabHmacKey}, base64url)
 * @param renewBeforeDays  how many days before a certificate expires it is renewed ({@code renewBeforeDays}, default 14)
 * @param challengeListen  where the http-01 answer is served while the CA checks it ({@code challengeListen},
 *                         default {@code 0.0.0.0:80}: the CA fetches port 80 of the server's host name)
 * @param autoRenew        whether the server renews on its own ({@code autoRenew}, default true); false
 *                         leaves renewal to {@code xroad server cert renew}
 */
public record AcmeSettings(URI directory, EabCredentials eab, int renewBeforeDays, InetSocketAddress challengeListen,
                           boolean autoRenew) {

    public static final String FILE = "acme.yaml";
    public static final int DEFAULT_RENEW_BEFORE_DAYS = 14;
    private static final Set<String> KEYS = Set.of("directoryUrl", "eabKeyId", "eabHmacKey", "renewBeforeDays",
            "challengeListen", "autoRenew");

    public AcmeSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(eab, "eab");
        Objects.requireNonNull(challengeListen, "challengeListen");
        if (renewBeforeDays < 1 || renewBeforeDays > 365) {
            throw new IllegalArgumentException("renewBeforeDays must be 1..365, not " + renewBeforeDays);
        }
    }

    /** The settings in {@code dir/acme.yaml}, or empty when there is no such file; a bad value is refused. */
    public static Optional<AcmeSettings> load(Path dir) throws ConfigException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ConfigFile config = ConfigFile.read(file, KEYS);
        URI directory = config.httpUrl("directoryUrl");
        String kid = config.requireString("eabKeyId");
        String hmac = config.requireString("eabHmacKey");
        EabCredentials eab;
        try {
            eab = EabCredentials.parse(kid, hmac);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": keys 'eabKeyId'/'eabHmacKey': " + e.getMessage());
        }
        int days = config.intValue("renewBeforeDays", DEFAULT_RENEW_BEFORE_DAYS, 1, 365);
        InetSocketAddress listen = config.listenAddress("challengeListen", "0.0.0.0:80");
        return Optional.of(new AcmeSettings(directory, eab, days, listen, config.booleanValue("autoRenew", true)));
    }
}
