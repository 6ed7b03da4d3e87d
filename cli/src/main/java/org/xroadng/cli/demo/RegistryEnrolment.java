package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The registry operator's part of the demo, through the operator REST API with the admin key
 * (never the database): member classes, members, subsystems, the global group
 * {@code citizen-portals}, the approved CA with its OCSP URL and the TSA. Each step looks first and
 * is skipped when already done.
 */
final class RegistryEnrolment {

    private final JsonApi registry;
    private final Progress progress;

    RegistryEnrolment(JsonApi registry, Progress progress) {
        this.registry = registry;
        this.progress = progress;
    }

    void run(CertificateAuthority ca) throws DemoException {
        for (DemoCast.MemberClass memberClass : DemoCast.MEMBER_CLASSES) {
            String step = "registry: member class " + memberClass.code() + " (" + memberClass.description() + ")";
            if (registry.find("/member-classes/" + memberClass.code()).found()) {
                progress.kept(step);
            } else {
                registry.post("/member-classes", Map.of("code", memberClass.code(), "description", memberClass.description()));
                progress.done(step);
            }
        }
        for (DemoCast.Member member : DemoCast.MEMBERS) {
            String step = "registry: member " + member.id().format() + " (" + member.name() + ")";
            if (registry.find("/members/" + member.id().format()).found()) {
                progress.kept(step);
            } else {
                registry.post("/members", Map.of("id", member.id().format(), "name", member.name()));
                progress.done(step);
            }
        }
        for (SubsystemId subsystem : List.of(DemoCast.PORTAL, DemoCast.POPULATION, DemoCast.TAX, DemoCast.LOANS)) {
            String step = "registry: subsystem " + subsystem.format();
            if (registry.find("/subsystems/" + subsystem.format()).found()) {
                progress.kept(step);
            } else {
                registry.post("/subsystems", Map.of("id", subsystem.format()));
                progress.done(step);
            }
        }
        citizenPortals();
        approvedCa(ca);
        approvedTsa(ca);
    }

    private void citizenPortals() throws DemoException {
        String group = DemoCast.CITIZEN_PORTALS;
        JsonApi.Answer existing = registry.find("/global-groups/" + group);
        if (existing.found()) {
            progress.kept("registry: global group " + group);
        } else {
            existing = new JsonApi.Answer(201, registry.post("/global-groups",
                    Map.of("code", group, "description", "Citizen portals: may read access logs")));
            progress.done("registry: global group " + group);
        }
        String step = "registry: " + DemoCast.PORTAL.format() + " in global group " + group;
        if (contains(existing.json().path("members"), DemoCast.PORTAL.format())) {
            progress.kept(step);
        } else {
            registry.post("/global-groups/" + group + "/members", Map.of("id", DemoCast.PORTAL.format()));
            progress.done(step);
        }
    }

    private void approvedCa(CertificateAuthority ca) throws DemoException {
        String ocspUrl = ca.settings().ocspUrl().toString();
        String step = "registry: approved CA '" + ca.settings().name() + "' with OCSP " + ocspUrl;
        for (JsonNode existing : registry.get("/certification-authorities")) {
            if (ocspUrl.equals(existing.path("ocspUrl").asText())) {
                progress.kept(step);
                return;
            }
        }
        registry.post("/certification-authorities", Map.of("certificate", Pem.encode(ca.caCertificate()), "ocspUrl", ocspUrl));
        progress.done(step);
    }

    private void approvedTsa(CertificateAuthority ca) throws DemoException {
        String url = ca.settings().tsaUrl().toString();
        String step = "registry: approved TSA " + url;
        for (JsonNode existing : registry.get("/timestamping-authorities")) {
            if (url.equals(existing.path("url").asText())) {
                progress.kept(step);
                return;
            }
        }
        registry.post("/timestamping-authorities", Map.of("url", url, "certificate", Pem.encode(ca.tsaCertificate())));
        progress.done(step);
    }

    static boolean contains(JsonNode array, String text) {
        for (JsonNode item : array) {
            if (text.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }
}
