package org.xroadng.protocol.globalconf;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;

/** The signed wire form of the global configuration: its JSON as the payload of an ES256 JWS. */
public final class GlobalConfigurationCodec {

    /** The media type of the signed configuration. */
    public static final String MEDIA_TYPE = "application/jose";

    private GlobalConfigurationCodec() {
    }

    public static byte[] toJson(GlobalConfiguration configuration) {
        try {
            return ProtocolJson.mapper().writeValueAsBytes(configuration);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("configuration cannot be written as JSON", e);
        }
    }

    /** Parses the JSON payload; throws {@link IOException} naming what is wrong when it is not a configuration. */
    public static GlobalConfiguration fromJson(byte[] json) throws IOException {
        try {
            return ProtocolJson.mapper().readValue(json, GlobalConfiguration.class);
        } catch (JsonProcessingException e) {
            throw new IOException("not a global configuration: " + ProtocolJson.describe(e), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("not a global configuration: " + e.getMessage(), e);
        }
    }

    /** Signs the configuration with the registry's configuration signing key. */
    public static String sign(GlobalConfiguration configuration, JwsSigner signer) throws SigningException {
        return signer.sign(toJson(configuration));
    }
}
