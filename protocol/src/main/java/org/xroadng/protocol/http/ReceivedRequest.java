package org.xroadng.protocol.http;

import java.util.List;
import java.util.Map;

/**
 * One whole request as the codec delivered it, copied out of Netty's buffers so that a worker can
 * answer it after the buffers are released. Header names are lower case.
 */
record ReceivedRequest(String method, String target, Map<String, List<String>> headers, byte[] body) {
}
