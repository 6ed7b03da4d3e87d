package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The provider's services and access rights, through its admin API: the service
 * {@code DEMO/GOV/1001/population/person} pointing at the sample provider IS (personal data), its
 * OpenAPI description read from that IS, the WSDL of that IS (making the SOAP service
 * {@code personSoap}), and one access right to each: the tax board may {@code GET /**} of
 * {@code person} and call {@code personSoap}, with purpose {@code tax-assessment}. The bank gets
 * none, so its queries are refused. Each step is skipped when already done.
 */
final class ServiceSetup {

    private final JsonApi admin;
    private final Progress progress;

    ServiceSetup(JsonApi admin, Progress progress) {
        this.admin = admin;
        this.progress = progress;
    }

    void service(ServiceId service, URI url) throws DemoException {
        String step = "provider: service " + service.format() + " -> " + url + " (personal data)";
        if (ServerEnrolment.hasId(admin.get("/services"), service.format())) {
            progress.kept(step);
            return;
        }
        admin.post("/services", Map.of("id", service.format(), "url", url.toString(), "timeoutSeconds", 30,
                "personalData", true));
        progress.done(step);
    }

    void description(ServiceId service, URI url) throws DemoException {
        String step = "provider: OpenAPI description of " + service.format() + " from " + url;
        for (JsonNode description : admin.get("/service-descriptions")) {
            if (service.format().equals(description.path("service").asText())) {
                progress.kept(step);
                return;
            }
        }
        admin.post("/service-descriptions", Map.of("service", service.format(), "url", url.toString()));
        progress.done(step);
    }

    /** The WSDL at {@code url} as a description of {@code provider}: its operations become (personal-data) services. */
    void wsdl(SubsystemId provider, URI url) throws DemoException {
        String step = "provider: WSDL of " + provider.format() + " from " + url + " (its operations become services)";
        for (JsonNode wsdl : admin.get("/wsdl-descriptions")) {
            if (provider.format().equals(wsdl.path("provider").asText()) && url.toString().equals(wsdl.path("source")
                    .asText())) {
                progress.kept(step);
                return;
            }
        }
        admin.post("/wsdl-descriptions", Map.of("provider", provider.format(), "url", url.toString(),
                "personalData", true));
        progress.done(step);
    }

    void accessRight(ServiceId service, SubsystemId subject, String method, String path, String purpose)
            throws DemoException {
        accessRight(service, subject, method, path, purpose, null, 0);
    }

    /**
     * As above; with {@code restrictionAuthority} (not null) the right also allows restricted
     * accesses by that kind of authority, disclosed within {@code restrictionMaxDays}. A right of an
     * earlier demo for the same endpoint with another allowance is revoked and granted again.
     */
    void accessRight(ServiceId service, SubsystemId subject, String method, String path, String purpose,
                     String restrictionAuthority, int restrictionMaxDays) throws DemoException {
        String step = "provider: " + subject.format() + " may " + method + " " + path + " of " + service.format()
                + " for purpose " + purpose + (restrictionAuthority == null ? "" : ", restricted as "
                + restrictionAuthority + " for up to " + restrictionMaxDays + " days");
        for (JsonNode right : admin.get("/access-rights")) {
            if (service.format().equals(right.path("service").asText())
                    && subject.format().equals(right.path("subject").asText())
                    && method.equals(right.path("method").asText()) && path.equals(right.path("path").asText())) {
                if (java.util.Objects.equals(restrictionAuthority, right.path("restrictionAuthority").textValue())
                        && (restrictionAuthority == null
                        || right.path("restrictionMaxDays").asInt() == restrictionMaxDays)) {
                    progress.kept(step);
                    return;
                }
                admin.delete("/access-rights/" + right.path("id").asLong());
            }
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("service", service.format(), "subject",
                subject.format(), "method", method, "path", path, "purposes", List.of(purpose)));
        if (restrictionAuthority != null) {
            body.put("restrictionAuthority", restrictionAuthority);
            body.put("restrictionMaxDays", restrictionMaxDays);
        }
        admin.post("/access-rights", body);
        progress.done(step);
    }
}
