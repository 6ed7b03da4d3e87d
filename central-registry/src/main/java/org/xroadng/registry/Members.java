package org.xroadng.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Jdbc;

/** Member classes, members and their subsystems. */
public final class Members {

    public record MemberClassView(String code, String description) {
    }

    public record MemberView(MemberId id, String name, List<String> subsystems) {
    }

    public record SubsystemView(SubsystemId id, List<String> securityServers) {
    }

    private final Changes changes;
    private final String instance;

    public String instance() {
        return instance;
    }

    public Members(Changes changes, String instance) {
        this.changes = changes;
        this.instance = instance;
    }

    // Member classes

    public List<MemberClassView> memberClasses() {
        return changes.database().inTransaction(c -> Jdbc.query(c,
                "SELECT code, description FROM member_class ORDER BY code",
                r -> new MemberClassView(r.getString(1), r.getString(2))));
    }

    public MemberClassView memberClass(String code) throws RegistryException {
        return changes.database().<MemberClassView, RegistryException>inTransaction(c -> Jdbc.queryOne(c,
                "SELECT code, description FROM member_class WHERE code = ?",
                r -> new MemberClassView(r.getString(1), r.getString(2)), code)
                .orElseThrow(() -> RegistryException.notFound("no member class " + code)));
    }

    public MemberClassView createMemberClass(Actor actor, String code, String description) throws RegistryException {
        return changes.apply(actor, "memberClass.create", code, c -> {
            String checked = Validation.identifier("code", code, v -> new MemberId(instance, v, "x").memberClass());
            String text = Validation.text("description", description, 1000);
            if (Jdbc.count(c, "SELECT COUNT(*) FROM member_class WHERE code = ?", checked) > 0) {
                throw RegistryException.conflict("member class " + checked + " already exists");
            }
            Jdbc.update(c, "INSERT INTO member_class (code, description) VALUES (?, ?)", checked, text);
            return new MemberClassView(checked, text);
        });
    }

    public MemberClassView updateMemberClass(Actor actor, String code, String description) throws RegistryException {
        return changes.apply(actor, "memberClass.update", code, c -> {
            String text = Validation.text("description", description, 1000);
            if (Jdbc.update(c, "UPDATE member_class SET description = ? WHERE code = ?", text, code) == 0) {
                throw RegistryException.notFound("no member class " + code);
            }
            return new MemberClassView(code, text);
        });
    }

    public void deleteMemberClass(Actor actor, String code) throws RegistryException {
        changes.apply(actor, "memberClass.delete", code, c -> {
            long members = Jdbc.count(c, "SELECT COUNT(*) FROM member WHERE member_class = ?", code);
            if (members > 0) {
                throw RegistryException.conflict("member class " + code + " still has " + members
                        + " member(s); delete them first");
            }
            if (Jdbc.update(c, "DELETE FROM member_class WHERE code = ?", code) == 0) {
                throw RegistryException.notFound("no member class " + code);
            }
            return null;
        });
    }

    // Members

    public Page<MemberView> members(int offset, int limit) throws RegistryException {
        Page.check(offset, limit);
        return changes.database().inTransaction(c -> {
            List<MemberView> items = Jdbc.query(c, "SELECT id, name FROM member ORDER BY id LIMIT ? OFFSET ?",
                    r -> new MemberView(MemberId.parse(r.getString(1)), r.getString(2), List.of()), limit, offset);
            List<MemberView> withSubsystems = new ArrayList<>();
            for (MemberView m : items) {
                withSubsystems.add(new MemberView(m.id(), m.name(), subsystemCodes(c, m.id())));
            }
            return new Page<>(withSubsystems, offset, limit, Jdbc.count(c, "SELECT COUNT(*) FROM member"));
        });
    }

    public MemberView member(MemberId id) throws RegistryException {
        return changes.database().<MemberView, RegistryException>inTransaction(c -> find(c, id)
                .orElseThrow(() -> RegistryException.notFound("no member " + id.format())));
    }

    public MemberView createMember(Actor actor, MemberId id, String name) throws RegistryException {
        return changes.apply(actor, "member.create", id.format(), c -> {
            Validation.sameInstance(instance, id);
            String text = Validation.text("name", name, 1000);
            if (Jdbc.count(c, "SELECT COUNT(*) FROM member_class WHERE code = ?", id.memberClass()) == 0) {
                throw RegistryException.badRequest("unknown member class " + id.memberClass()
                        + "; add it first or use one of " + memberClassCodes(c));
            }
            if (find(c, id).isPresent()) {
                throw RegistryException.conflict("member " + id.format() + " already exists");
            }
            Jdbc.update(c, "INSERT INTO member (id, member_class, name, created_at) VALUES (?, ?, ?, ?)",
                    id.format(), id.memberClass(), text, changes.clock().instant());
            return new MemberView(id, text, List.of());
        });
    }

    public MemberView updateMember(Actor actor, MemberId id, String name) throws RegistryException {
        return changes.apply(actor, "member.update", id.format(), c -> {
            String text = Validation.text("name", name, 1000);
            if (Jdbc.update(c, "UPDATE member SET name = ? WHERE id = ?", text, id.format()) == 0) {
                throw RegistryException.notFound("no member " + id.format());
            }
            return find(c, id).orElseThrow();
        });
    }

    public void deleteMember(Actor actor, MemberId id) throws RegistryException {
        changes.apply(actor, "member.delete", id.format(), c -> {
            if (find(c, id).isEmpty()) {
                throw RegistryException.notFound("no member " + id.format());
            }
            long servers = Jdbc.count(c, "SELECT COUNT(*) FROM security_server WHERE owner_id = ?", id.format());
            long subsystems = Jdbc.count(c, "SELECT COUNT(*) FROM subsystem WHERE member_id = ?", id.format());
            if (servers > 0 || subsystems > 0) {
                throw RegistryException.conflict("member " + id.format() + " still owns " + servers
                        + " security server(s) and " + subsystems + " subsystem(s); delete them first");
            }
            Jdbc.update(c, "DELETE FROM global_group_member WHERE member_id = ?", id.format());
            Jdbc.update(c, "DELETE FROM member WHERE id = ?", id.format());
            return null;
        });
    }

    // Subsystems

    public Page<SubsystemView> subsystems(MemberId member, int offset, int limit) throws RegistryException {
        Page.check(offset, limit);
        String where = member == null ? "" : " WHERE member_id = ?";
        Object[] filter = member == null ? new Object[0] : new Object[] {member.format()};
        return changes.database().inTransaction(c -> {
            Object[] args = member == null ? new Object[] {limit, offset} : new Object[] {member.format(), limit, offset};
            List<SubsystemId> ids = Jdbc.query(c, "SELECT id FROM subsystem" + where + " ORDER BY id LIMIT ? OFFSET ?",
                    r -> SubsystemId.parse(r.getString(1)), args);
            List<SubsystemView> items = new ArrayList<>();
            for (SubsystemId id : ids) {
                items.add(new SubsystemView(id, serversHosting(c, id)));
            }
            return new Page<>(items, offset, limit, Jdbc.count(c, "SELECT COUNT(*) FROM subsystem" + where, filter));
        });
    }

    public SubsystemView subsystem(SubsystemId id) throws RegistryException {
        return changes.database().<SubsystemView, RegistryException>inTransaction(c -> {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM subsystem WHERE id = ?", id.format()) == 0) {
                throw RegistryException.notFound("no subsystem " + id.format());
            }
            return new SubsystemView(id, serversHosting(c, id));
        });
    }

    public SubsystemView createSubsystem(Actor actor, SubsystemId id) throws RegistryException {
        return changes.apply(actor, "subsystem.create", id.format(), c -> {
            Validation.sameInstance(instance, id);
            if (find(c, id.member()).isEmpty()) {
                throw RegistryException.badRequest("member " + id.member().format() + " does not exist; add it first");
            }
            if (Jdbc.count(c, "SELECT COUNT(*) FROM subsystem WHERE id = ?", id.format()) > 0) {
                throw RegistryException.conflict("subsystem " + id.format() + " already exists");
            }
            insertSubsystem(c, id);
            return new SubsystemView(id, List.of());
        });
    }

    public void deleteSubsystem(Actor actor, SubsystemId id) throws RegistryException {
        changes.apply(actor, "subsystem.delete", id.format(), c -> {
            List<String> servers = serversHosting(c, id);
            if (!servers.isEmpty()) {
                throw RegistryException.conflict("subsystem " + id.format() + " is still hosted by " + servers);
            }
            if (Jdbc.update(c, "DELETE FROM subsystem WHERE id = ?", id.format()) == 0) {
                throw RegistryException.notFound("no subsystem " + id.format());
            }
            Jdbc.update(c, "DELETE FROM global_group_member WHERE member_id = ?", id.format());
            return null;
        });
    }

    /** Adds a subsystem inside another change (a clientReg approval). */
    void insertSubsystem(Connection c, SubsystemId id) throws SQLException {
        Jdbc.update(c, "INSERT INTO subsystem (id, member_id, created_at) VALUES (?, ?, ?)", id.format(),
                id.member().format(), changes.clock().instant());
    }

    static boolean memberExists(Connection c, MemberId id) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM member WHERE id = ?", id.format()) > 0;
    }

    private Optional<MemberView> find(Connection c, MemberId id) throws SQLException {
        Optional<String> name = Jdbc.queryOne(c, "SELECT name FROM member WHERE id = ?", r -> r.getString(1),
                id.format());
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MemberView(id, name.get(), subsystemCodes(c, id)));
    }

    private static List<String> subsystemCodes(Connection c, MemberId id) throws SQLException {
        return Jdbc.query(c, "SELECT id FROM subsystem WHERE member_id = ? ORDER BY id",
                r -> SubsystemId.parse(r.getString(1)).subsystemCode(), id.format());
    }

    private static List<String> serversHosting(Connection c, SubsystemId id) throws SQLException {
        return Jdbc.query(c, "SELECT server_id FROM server_client WHERE subsystem_id = ? ORDER BY server_id",
                r -> r.getString(1), id.format());
    }

    private static List<String> memberClassCodes(Connection c) throws SQLException {
        return Jdbc.query(c, "SELECT code FROM member_class ORDER BY code", r -> r.getString(1));
    }
}
