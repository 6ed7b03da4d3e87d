package org.xroadng.auditlog.portal;

import java.util.Optional;
import org.xroadng.protocol.id.MemberId;

import java.util.List;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;

/**
 * The security servers of the exchange as the current, verified global configuration lists them.
 * {@link RefreshingServerCatalog} keeps it from the registry; tests give a fixed list.
 */
@FunctionalInterface
public interface ServerCatalog {

    /** Every registered security server; refused when no unexpired configuration is at hand. */
    List<GlobalConfiguration.SecurityServer> servers() throws ConfigurationException;

    /** The member's name as the registry publishes it (for people to read), empty if unknown. */
    default Optional<String> memberName(MemberId member) {
        return Optional.empty();
    }

    /** The transparency witnesses and quorum the global configuration lists; none by default. */
    default GlobalConfiguration.Transparency transparency() {
        return GlobalConfiguration.Transparency.NONE;
    }
}
