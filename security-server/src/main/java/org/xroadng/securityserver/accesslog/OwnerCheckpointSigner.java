package org.xroadng.securityserver.accesslog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.xroadng.certs.tsa.TimestampClient;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.log.timestamp.TimestampingConfiguration;
import org.xroadng.securityserver.message.MessageSigningException;
import org.xroadng.securityserver.message.OwnOcspResponses;
import org.xroadng.securityserver.message.ServerIdentity;

/**
 * The {@link CheckpointSigner} of a running server: the owner member's signing key from the
 * server's token, the OCSP response the server already holds for it, and the approved TSAs of the
 * current global configuration, asked in order until one answers.
 */
public final class OwnerCheckpointSigner implements CheckpointSigner {

    private static final Duration TSA_TIMEOUT = Duration.ofSeconds(10);

    private final ServerIdentity identity;
    private final OwnOcspResponses ocsp;
    private final GlobalConfHolder globalConf;
    private final Clock clock;
    private final Provider provider;
    private final SecureRandom random;

    public OwnerCheckpointSigner(ServerIdentity identity, OwnOcspResponses ocsp, GlobalConfHolder globalConf,
                                 Clock clock, Provider provider, SecureRandom random) {
        this.identity = identity;
        this.ocsp = ocsp;
        this.globalConf = globalConf;
        this.clock = clock;
        this.provider = provider;
        this.random = random;
    }

    @Override
    public Signed sign(Checkpoint checkpoint) throws CheckpointException {
        TrustedConfiguration trusted;
        String jws;
        try {
            trusted = globalConf.current(ErrorType.SERVER_PROXY_OUTDATED_GLOBAL_CONF);
            OwnOcspResponses.Chosen chosen = ocsp.choose(identity.serverId().owner(),
                    identity.signingKeys(identity.serverId().owner()), trusted.ocspFreshness());
            ServerIdentity.MemberKey owner = chosen.key();
            String response = chosen.ocspResponse();
            jws = CheckpointCodec.sign(checkpoint, new JwsSigner(owner.key(), owner.chain()),
                    Base64.getDecoder().decode(response));
        } catch (ExchangeException | MessageSigningException e) {
            throw new CheckpointException("the checkpoint cannot be signed: " + e.getMessage(), e);
        } catch (SigningException e) {
            throw new CheckpointException("signing the checkpoint failed: " + e.getMessage(), e);
        }
        byte[] digest = sha256(jws.getBytes(StandardCharsets.US_ASCII));
        List<String> failures = new ArrayList<>();
        for (TimestampingConfiguration.Tsa tsa : TimestampingConfiguration.from(trusted.configuration()).tsas()) {
            try {
                byte[] token = new TimestampClient(tsa.url(), tsa.certificate(), clock, provider, random, TSA_TIMEOUT)
                        .timestamp(digest).getEncoded();
                return new Signed(jws, Base64.getEncoder().encodeToString(token));
            } catch (TimestampException | IOException e) {
                failures.add(tsa.url() + ": " + e.getMessage());
            }
        }
        throw new CheckpointException("no approved TSA timestamped the checkpoint" + (failures.isEmpty()
                ? " (the global configuration lists none)" : ": " + String.join("; ", failures)), null);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
