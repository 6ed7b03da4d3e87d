package org.xroadng.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Jdbc;

/** Global groups: named sets of members and subsystems that access rights can refer to. */
public final class Groups {

    public record GroupView(GlobalGroupId id, String code, String description, List<String> members) {
    }

    private final Changes changes;
    private final String instance;

    public Groups(Changes changes, String instance) {
        this.changes = changes;
        this.instance = instance;
    }

    public Page<GroupView> list(int offset, int limit) throws RegistryException {
        Page.check(offset, limit);
        return changes.database().inTransaction(c -> {
            List<String> codes = Jdbc.query(c, "SELECT code FROM global_group ORDER BY code LIMIT ? OFFSET ?",
                    r -> r.getString(1), limit, offset);
            List<GroupView> items = new ArrayList<>();
            for (String code : codes) {
                items.add(find(c, code).orElseThrow());
            }
            return new Page<>(items, offset, limit, Jdbc.count(c, "SELECT COUNT(*) FROM global_group"));
        });
    }

    public GroupView get(String code) throws RegistryException {
        return changes.database().<GroupView, RegistryException>inTransaction(c -> find(c, code)
                .orElseThrow(() -> RegistryException.notFound("no global group " + code)));
    }

    public GroupView create(Actor actor, String code, String description) throws RegistryException {
        return changes.apply(actor, "globalGroup.create", code, c -> {
            GlobalGroupId id = Validation.identifier("code", code, v -> new GlobalGroupId(instance, v));
            String text = Validation.text("description", description, 1000);
            if (find(c, code).isPresent()) {
                throw RegistryException.conflict("global group " + code + " already exists");
            }
            Jdbc.update(c, "INSERT INTO global_group (code, description) VALUES (?, ?)", id.groupCode(), text);
            return new GroupView(id, id.groupCode(), text, List.of());
        });
    }

    public GroupView update(Actor actor, String code, String description) throws RegistryException {
        return changes.apply(actor, "globalGroup.update", code, c -> {
            String text = Validation.text("description", description, 1000);
            if (Jdbc.update(c, "UPDATE global_group SET description = ? WHERE code = ?", text, code) == 0) {
                throw RegistryException.notFound("no global group " + code);
            }
            return find(c, code).orElseThrow();
        });
    }

    public void delete(Actor actor, String code) throws RegistryException {
        changes.apply(actor, "globalGroup.delete", code, c -> {
            if (Jdbc.update(c, "DELETE FROM global_group WHERE code = ?", code) == 0) {
                throw RegistryException.notFound("no global group " + code);
            }
            return null;
        });
    }

    /** Adds a member ({@code INSTANCE/CLASS/CODE}) or a subsystem ({@code .../SUBSYSTEM}); it must exist. */
    public GroupView addMember(Actor actor, String code, String memberOrSubsystem) throws RegistryException {
        return changes.apply(actor, "globalGroup.addMember", code + " " + memberOrSubsystem, c -> {
            String id = existing(c, memberOrSubsystem);
            if (find(c, code).isEmpty()) {
                throw RegistryException.notFound("no global group " + code);
            }
            if (Jdbc.count(c, "SELECT COUNT(*) FROM global_group_member WHERE group_code = ? AND member_id = ?",
                    code, id) > 0) {
                throw RegistryException.conflict(id + " is already in global group " + code);
            }
            Jdbc.update(c, "INSERT INTO global_group_member (group_code, member_id) VALUES (?, ?)", code, id);
            return find(c, code).orElseThrow();
        });
    }

    public GroupView removeMember(Actor actor, String code, String memberOrSubsystem) throws RegistryException {
        return changes.apply(actor, "globalGroup.removeMember", code + " " + memberOrSubsystem, c -> {
            if (Jdbc.update(c, "DELETE FROM global_group_member WHERE group_code = ? AND member_id = ?", code,
                    memberOrSubsystem) == 0) {
                throw RegistryException.notFound(memberOrSubsystem + " is not in global group " + code);
            }
            return find(c, code).orElseThrow();
        });
    }

    private String existing(Connection c, String text) throws SQLException, RegistryException {
        int parts = text == null ? 0 : text.split("/", -1).length;
        if (parts == 3) {
            MemberId member = Validation.identifier("member", text, MemberId::parse);
            Validation.sameInstance(instance, member);
            if (!Members.memberExists(c, member)) {
                throw RegistryException.badRequest("member " + member.format() + " does not exist");
            }
            return member.format();
        }
        if (parts == 4) {
            SubsystemId subsystem = Validation.identifier("subsystem", text, SubsystemId::parse);
            Validation.sameInstance(instance, subsystem);
            if (Jdbc.count(c, "SELECT COUNT(*) FROM subsystem WHERE id = ?", subsystem.format()) == 0) {
                throw RegistryException.badRequest("subsystem " + subsystem.format() + " does not exist");
            }
            return subsystem.format();
        }
        throw RegistryException.badRequest("group member '" + text + "' is neither a member (INSTANCE/CLASS/CODE)"
                + " nor a subsystem (INSTANCE/CLASS/CODE/SUBSYSTEM)");
    }

    private Optional<GroupView> find(Connection c, String code) throws SQLException {
        Optional<String> description = Jdbc.queryOne(c, "SELECT description FROM global_group WHERE code = ?",
                r -> r.getString(1), code);
        if (description.isEmpty()) {
            return Optional.empty();
        }
        List<String> members = Jdbc.query(c,
                "SELECT member_id FROM global_group_member WHERE group_code = ? ORDER BY member_id",
                r -> r.getString(1), code);
        return Optional.of(new GroupView(new GlobalGroupId(instance, code), code, description.get(), members));
    }
}
