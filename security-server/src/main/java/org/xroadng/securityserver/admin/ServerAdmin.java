package org.xroadng.securityserver.admin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.securityserver.accesslog.RestrictedAccessReader;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalGroup;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.conf.ServiceDescription;
import org.xroadng.securityserver.conf.WsdlDescription;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.description.DescriptionFetcher;
import org.xroadng.securityserver.description.ServiceDescriptions;
import org.xroadng.securityserver.description.WsdlDescriptions;
import org.xroadng.securityserver.keys.CertificateRenewal;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.registration.Registration;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * The one service layer behind the admin API and the operator console: every action an operator
 * asks for, whichever door it comes through, passes here.
 *
 * <p>Guarantees, for every action: the operator's roles are checked first, on the server
 * ({@link Permission}); a refusal runs nothing and throws {@link AccessDeniedException}. The action
 * then runs through {@link ServerConfStore}, {@link ServerKeys} or {@link Registration}, which
 * validate and write in one transaction. Every outcome lands in the audit trail with the operator,
 * the action, the target and how it ended: a configuration change writes its row in its own
 * transaction (so a row means it happened), anything else, a refusal or failure included, a row of
 * its own.
 */
public final class ServerAdmin {

    /** Work that may be refused in any of the ways an action can be. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws ServerException, RegistrationException, TokenException, DescriptionException;
    }

    private final ServerKeys keys;
    private final ServerConfStore store;
    private final Registration registration;
    private final ConsoleUsers users;
    private final AdminKeys adminKeys;
    private final ServiceDescriptions descriptions;
    private final WsdlDescriptions wsdls;
    /** Whether a signing certificate can sign now beyond being valid (its OCSP status); see {@link #signingReadiness}. */
    private volatile java.util.function.Predicate<X509Certificate> signsNow = certificate -> true;

    public ServerAdmin(ServerKeys keys, ServerConfStore store, Registration registration, AdminKeys adminKeys,
                       DescriptionFetcher fetcher) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.store = Objects.requireNonNull(store, "store");
        this.registration = Objects.requireNonNull(registration, "registration");
        this.adminKeys = Objects.requireNonNull(adminKeys, "adminKeys");
        this.users = adminKeys.users();
        this.descriptions = new ServiceDescriptions(store, fetcher);
        this.wsdls = new WsdlDescriptions(store, fetcher);
    }

    public ServerConfStore store() {
        return store;
    }

    public ServerKeys keys() {
        return keys;
    }

    public ConsoleUsers users() {
        return users;
    }

    /** The admin API keys (listing them is anyone's; making and revoking them a system administrator's). */
    public AdminKeys adminKeys() {
        return adminKeys;
    }

    /** Renewal by ACME, when {@code acme.yaml} configures it ({@link #renewal(CertificateRenewal)}). */
    private volatile CertificateRenewal renewal;

    /** Gives the server's ACME renewal to this service layer (absent: renewing is refused with why). */
    public void renewal(CertificateRenewal renewal) {
        this.renewal = Objects.requireNonNull(renewal, "renewal");
    }

    /**
     * What one renewal came to: the certificate renewed (or the refusal, when {@code failure} is
     * set), and for an authentication certificate the authCertReg filed for it (or why it could
     * not be).
     */
    public record RenewalOutcome(String keyId, CertificateRenewal.Renewed renewed, String failure,
                                 Registration.Filed registration, String registrationFailure) {
    }

    /**
     * Renews the certificate of key {@code keyId} now by ACME ({@link CertificateRenewal#renew}),
     * audited as {@code certificate.renew}; a renewed authentication certificate is then registered
     * ({@code authCertReg}, audited as {@code server.register}) as an imported one would be. A
     * failed registration does not undo the renewal: the outcome says why, for a later
     * {@code xroad server register}.
     */
    public RenewalOutcome renewCertificate(Operator operator, String keyId)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        CertificateRenewal acme = renewal;
        require(operator, Permission.MANAGE_KEYS, "certificate.renew", keyId);
        if (acme == null) {
            ServerException refused = ServerException.conflict("certificates are not renewed by ACME on this server:"
                    + " there is no " + org.xroadng.securityserver.keys.AcmeSettings.FILE + " in its directory"
                    + " (docs/security-server.md, 'Certificate renewal by ACME')");
            store.record(operator.auditName(), "certificate.renew", keyId, "failed: " + refused.getMessage());
            throw refused;
        }
        CertificateRenewal.Renewed renewed = act(operator, Permission.MANAGE_KEYS, "certificate.renew", keyId, false,
                () -> acme.renew(keyId));
        store.record(operator.auditName(), "certificate.renew", keyId, ServerConfStore.SUCCESS + ": new key "
                + renewed.keyId() + ", certificate " + renewed.certificate().getSerialNumber().toString(16)
                + " valid until " + renewed.certificate().getNotAfter().toInstant());
        if (renewed.role() != ServerKeys.Role.AUTH) {
            return new RenewalOutcome(keyId, renewed, null, null, null);
        }
        try {
            return new RenewalOutcome(keyId, renewed, null, register(operator), null);
        } catch (RegistrationException | ServerException | AccessDeniedException e) {
            return new RenewalOutcome(keyId, renewed, null, null, e.getMessage());
        }
    }

    /**
     * Renews every certificate that is due now ({@link CertificateRenewal#due}); each is
     * tried and audited on its own, so one the CA refuses does not stop the others.
     */
    public List<RenewalOutcome> renewDue(Operator operator)
            throws AccessDeniedException, ServerException {
        require(operator, Permission.MANAGE_KEYS, "certificate.renew", "(due)");
        CertificateRenewal acme = renewal;
        if (acme == null) {
            return List.of();
        }
        List<RenewalOutcome> outcomes = new java.util.ArrayList<>();
        for (ServerKeys.KeyInfo key : acme.due()) {
            try {
                outcomes.add(renewCertificate(operator, key.keyId()));
            } catch (ServerException | RegistrationException | TokenException | DescriptionException e) {
                outcomes.add(new RenewalOutcome(key.keyId(), null, e.getMessage(), null, null));
            }
        }
        return List.copyOf(outcomes);
    }

    /**
     * Tells key deletion which certificates can sign now (the running message path's OCSP
     * responses), so that a member's key is deleted only while another one can sign in its place.
     */
    public void signingReadiness(java.util.function.Predicate<X509Certificate> signsNow) {
        this.signsNow = Objects.requireNonNull(signsNow, "signsNow");
    }

    /** Refuses (and audits the refusal) unless the operator holds a role granting {@code permission}. */
    public void require(Operator operator, Permission permission, String action, String target)
            throws AccessDeniedException {
        if (!operator.may(permission)) {
            AccessDeniedException refused = new AccessDeniedException(operator, permission, action);
            store.record(operator.auditName(), action, target, "refused: " + refused.getMessage());
            throw refused;
        }
    }

    /**
     * Runs one action: checks the role, attributes the configuration changes it makes to the
     * operator, and audits a failure (and, with {@code auditSuccess}, a success that is not itself a
     * configuration change).
     */
    public <T> T act(Operator operator, Permission permission, String action, String target, boolean auditSuccess,
                     Work<T> work) throws AccessDeniedException, ServerException, RegistrationException, TokenException,
            DescriptionException {
        require(operator, permission, action, target);
        try (ServerConfStore.Attribution attribution = store.attributeTo(operator.auditName())) {
            T result = work.run();
            if (auditSuccess) {
                store.record(operator.auditName(), action, target, ServerConfStore.SUCCESS);
            }
            return result;
        } catch (ServerException | RegistrationException | TokenException | DescriptionException
                 | RuntimeException e) {
            store.record(operator.auditName(), action, target, "failed: " + e.getMessage());
            throw e;
        }
    }

    // sign-in

    /** Checks a console password; every attempt is audited, a wrong one with the count so far. */
    public ConsoleUsers.SignIn signIn(String name, String password, String from) {
        ConsoleUsers.SignIn result = users.signIn(name, password);
        String target = name == null ? "" : name;
        String outcome;
        if (result instanceof ConsoleUsers.SignIn.WrongPassword w) {
            outcome = w.failures() == 0 ? "refused: unknown user or wrong password"
                    : "refused: wrong password (" + w.failures() + " of " + ConsoleUsers.MAX_FAILURES + ")"
                    + (w.nowLocked() ? "; locked for " + ConsoleUsers.LOCK.toMinutes() + " minutes" : "");
        } else if (result instanceof ConsoleUsers.SignIn.Locked l) {
            outcome = "refused: locked until " + l.until();
        } else {
            outcome = ServerConfStore.SUCCESS;
        }
        store.record("console:" + from, "console.signIn", target, outcome);
        return result;
    }

    /** Audits a sign-in with an admin API key (accepted or refused). */
    public void auditKeySignIn(String operatorName, boolean accepted, String from) {
        store.record("console:" + from, "console.signInWithKey", operatorName,
                accepted ? ServerConfStore.SUCCESS : "refused: unknown or revoked API key");
    }

    public void auditSignOut(Operator operator) {
        store.record(operator.auditName(), "console.signOut", operator.name(), ServerConfStore.SUCCESS);
    }

    // users

    public ConsoleUsers.User addUser(Operator operator, String name, String password, Set<Role> roles)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_USERS, "user.add", name + " " + Role.format(roles), true,
                () -> users.add(name, password, roles));
    }

    public void deleteUser(Operator operator, String name)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_USERS, "user.delete", name, true, () -> {
            users.delete(name);
            return null;
        });
    }

    public void setPassword(Operator operator, String name, String password)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_USERS, "user.password", name, true, () -> {
            users.setPassword(name, password);
            return null;
        });
    }

    // admin API keys

    /** A new admin API key holding {@code roles}; the key is in the answer only. */
    public AdminKeys.CreatedKey createApiKey(Operator operator, String label, Set<Role> roles)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_USERS, "apiKey.create", label + " " + Role.format(roles), true, () -> {
            String checked = AdminKeys.label(label);
            if (roles.isEmpty()) {
                throw ServerException.badRequest("an API key needs at least one role; expected one or more of "
                        + Role.codes());
            }
            return adminKeys.create(checked, roles);
        });
    }

    /** Revokes an admin API key; consoles signed in with it are signed out at their next request. */
    public void revokeApiKey(Operator operator, long id)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_USERS, "apiKey.revoke", "#" + id, true, () -> {
            adminKeys.revoke(id);
            return null;
        });
    }

    // keys and registration

    /** A signing key for {@code member}, in the HSM token {@code tokenId}, or the software token when null. */
    public String addSigningKey(Operator operator, MemberId member, String tokenId)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_KEYS, "key.addSigning", member.format(), true,
                () -> keys.addSigningKey(member, tokenId));
    }

    /**
     * The next signing key of a member whose current one is certified (rotation: the current key
     * signs until the new one's certificate can), in the HSM token {@code tokenId}, or the
     * software token when null.
     */
    public String rotateSigningKey(Operator operator, MemberId member, String tokenId)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_KEYS, "key.rotateSigning", member.format(), true,
                () -> keys.rotateSigningKey(member, tokenId));
    }

    /**
     * The server's next authentication key (rotation: TLS presents the current one until the new
     * one's certificate is registered and has been in the global configuration long enough).
     */
    public String rotateAuthKey(Operator operator)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_KEYS, "key.rotateAuth", keys.serverId().format(), true,
                keys::rotateAuthKey);
    }

    /**
     * Deletes a key the server no longer uses from its token (software or HSM) and its records;
     * the key TLS presents and a member's only validly certified signing key are refused
     * ({@link ServerKeys#deleteKey}). Audited as {@code key.delete} with the key, its use and owner.
     */
    public ServerKeys.KeyInfo deleteKey(Operator operator, String keyId)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        String target = keys.keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst()
                .map(k -> keyId + " (" + k.role().name().toLowerCase(java.util.Locale.ROOT) + " " + k.identity().format()
                        + ", token " + k.token() + ")").orElse(keyId);
        return act(operator, Permission.MANAGE_KEYS, "key.delete", target, true, () -> keys.deleteKey(keyId, signsNow));
    }

    /** The key's certification request (PEM); reading it is a security officer's. */
    public String csr(Operator operator, String keyId)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_KEYS, "key.csr", keyId, true, () -> keys.csr(keyId));
    }

    public ServerKeys.KeyInfo importCertificate(Operator operator, List<X509Certificate> chain)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        String target = chain.isEmpty() ? "(none)" : chain.get(0).getSubjectX500Principal().getName();
        return act(operator, Permission.MANAGE_KEYS, "certificate.import", target, true,
                () -> keys.importCertificate(chain));
    }

    public Registration.Filed register(Operator operator)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.REGISTER, "server.register", keys.serverId().format(), true,
                registration::register);
    }

    public Registration.Filed registerClient(Operator operator, SubsystemId client)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.REGISTER, "client.register", client.format(), true,
                () -> registration.registerClient(client));
    }

    /** Files clientDeletion, clientDisable or clientEnable for a client of this server. */
    public Registration.Filed changeClient(Operator operator, String type, SubsystemId client)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.REGISTER, "client." + type, client.format(), true,
                () -> registration.changeClient(type, client));
    }

    /** Files authCertDeletion for one of this server's authentication certificates (the current one when empty). */
    public Registration.Filed deleteAuthCertificate(Operator operator, java.util.Optional<X509Certificate> certificate)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.REGISTER, "server.authCertDeletion", certificate.map(c ->
                        c.getSubjectX500Principal().getName()).orElse("(current)"), true,
                () -> registration.deleteAuthCertificate(certificate));
    }

    /** Files addressChange to {@code address}. */
    public Registration.Filed changeAddress(Operator operator, String address)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.REGISTER, "server.addressChange", address, true,
                () -> registration.changeAddress(address));
    }

    /** Files ownerChange making {@code newOwner} this server's owner, signed by the new owner's key. */
    public Registration.Filed changeOwner(Operator operator, MemberId newOwner)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.REGISTER, "server.ownerChange", newOwner.format(), true,
                () -> registration.changeOwner(newOwner));
    }

    // clients

    public LocalClient addClient(Operator operator, SubsystemId id, LocalClient.IsAuthentication mode,
                                 Collection<X509Certificate> pinned)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_CLIENTS, "client.add", id.format(), false,
                () -> store.addClient(id, mode, pinned));
    }

    public void deleteClient(Operator operator, SubsystemId id)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_CLIENTS, "client.delete", id.format(), false, () -> {
            store.deleteClient(id);
            return null;
        });
    }

    // services and descriptions

    public LocalService addService(Operator operator, ServiceId id, URI url, int timeoutSeconds, boolean personalData)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "service.add", id.format(), false,
                () -> store.addService(id, url, timeoutSeconds, personalData));
    }

    public LocalService updateService(Operator operator, ServiceId id, URI url, int timeoutSeconds,
                                      boolean personalData, boolean enabled)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "service.update", id.format(), false,
                () -> store.updateService(id, url, timeoutSeconds, personalData, enabled));
    }

    public void deleteService(Operator operator, ServiceId id)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_SERVICES, "service.delete", id.format(), false, () -> {
            store.deleteService(id);
            return null;
        });
    }

    public ServiceDescription addDescription(Operator operator, ServiceId service, String url, String content)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "serviceDescription.add", service.format(), false,
                () -> url != null ? descriptions.addFromUrl(service, url)
                        : descriptions.addContent(service, content.getBytes(StandardCharsets.UTF_8)));
    }

    public ServiceDescriptions.Refreshed refreshDescription(Operator operator, ServiceId service, String content)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "serviceDescription.refresh", service.format(), false,
                () -> descriptions.refresh(service, content == null ? null : content.getBytes(StandardCharsets.UTF_8)));
    }

    public void deleteDescription(Operator operator, ServiceId service)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_SERVICES, "serviceDescription.delete", service.format(), false, () -> {
            descriptions.delete(service);
            return null;
        });
    }

    public WsdlDescription addWsdl(Operator operator, SubsystemId provider, String url, String content,
                                   boolean personalData)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "wsdl.add", provider.format(), false,
                () -> url != null ? wsdls.addFromUrl(provider, url, personalData)
                        : wsdls.addContent(provider, content.getBytes(StandardCharsets.UTF_8), personalData));
    }

    public ServerConfStore.WsdlChange refreshWsdl(Operator operator, long id, String content)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "wsdl.refresh", "#" + id, false,
                () -> wsdls.refresh(id, content == null ? null : content.getBytes(StandardCharsets.UTF_8)));
    }

    public void deleteWsdl(Operator operator, long id)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_SERVICES, "wsdl.delete", "#" + id, false, () -> {
            wsdls.delete(id);
            return null;
        });
    }

    // restricted accesses

    /**
     * The inspector's reading of restricted accesses not yet disclosed ({@code subject}'s, or all when
     * null): each reading is logged in the access log ({@link RestrictedAccessReader}) and in the audit
     * trail. Only {@link Permission#READ_RESTRICTED} may.
     */
    public List<SealedEvents.Sealed> readRestricted(Operator operator, RestrictedAccessReader reader, String subject)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.READ_RESTRICTED, "restrictedAccess.read", subject == null ? "all" : subject,
                true, () -> {
                    try {
                        return reader.read(operator.auditName(), subject);
                    } catch (IllegalArgumentException e) {
                        throw ServerException.badRequest(e.getMessage());
                    }
                });
    }

    // access rights and local groups

    public ServerConfStore.Grant grant(Operator operator, ServiceId service, AccessRight.Subject subject, String method,
                                       String path, Collection<String> purposes)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return grant(operator, service, subject, method, path, purposes, null, null);
    }

    /** A grant that may allow restricted accesses ({@link ServerConfStore#grant(ServiceId, AccessRight.Subject, String, String, Collection, String, Integer)}). */
    public ServerConfStore.Grant grant(Operator operator, ServiceId service, AccessRight.Subject subject, String method,
                                       String path, Collection<String> purposes, String restrictionAuthority,
                                       Integer restrictionMaxDays)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "accessRight.grant", service.format() + " " + subject.format()
                        + (restrictionAuthority == null ? "" : " restricted " + restrictionAuthority + " "
                        + restrictionMaxDays + "d"),
                false, () -> store.grant(service, subject, method, path, purposes, restrictionAuthority,
                        restrictionMaxDays));
    }

    public void revoke(Operator operator, long id)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_SERVICES, "accessRight.revoke", Long.toString(id), false, () -> {
            store.revoke(id);
            return null;
        });
    }

    public LocalGroup addLocalGroup(Operator operator, String code, String description)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "localGroup.add", String.valueOf(code), false,
                () -> store.addLocalGroup(code, description));
    }

    public void deleteLocalGroup(Operator operator, String code)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        act(operator, Permission.MANAGE_SERVICES, "localGroup.delete", code, false, () -> {
            store.deleteLocalGroup(code);
            return null;
        });
    }

    public LocalGroup addLocalGroupMember(Operator operator, String code, SubsystemId member)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "localGroup.addMember", code + " " + member.format(), false,
                () -> store.addLocalGroupMember(code, member));
    }

    public LocalGroup removeLocalGroupMember(Operator operator, String code, SubsystemId member)
            throws AccessDeniedException, ServerException, RegistrationException, TokenException, DescriptionException {
        return act(operator, Permission.MANAGE_SERVICES, "localGroup.removeMember", code + " " + member.format(), false,
                () -> store.removeLocalGroupMember(code, member));
    }
}
