package org.xroadng.securityserver.console;

import static org.xroadng.securityserver.console.ConsoleFields.blankAsEmpty;
import static org.xroadng.securityserver.console.ConsoleFields.document;
import static org.xroadng.securityserver.console.ConsoleFields.id;
import static org.xroadng.securityserver.console.ConsoleFields.number;

import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.admin.ServerAdmin;
import org.xroadng.securityserver.description.DescriptionException;

/**
 * The forms of the service descriptions page: OpenAPI descriptions of a service and WSDL
 * descriptions of a provider, added by address or pasted (kept byte for byte), read again, deleted.
 * A document that is not valid, or cannot be read from its address, is a message next to its field
 * and nothing is stored; the rest is {@link ConsolePages#post}'s.
 */
final class DescriptionForms {

    private final ConsolePages pages;
    private final ServerAdmin admin;

    DescriptionForms(ConsolePages pages, ServerAdmin admin) {
        this.pages = pages;
        this.admin = admin;
    }

    void addTo(HttpApiServer.Builder server) {
        pages.post(server, "/descriptions/openapi", "descriptions", "done.descriptionAdded", (who, form) -> {
            ServiceId service = id(form, "service", ServiceId::parse);
            String url = form.get("url");
            String content = blankAsEmpty(form.raw("content"));
            document(url, content);
            try {
                admin.addDescription(who, service, url.isEmpty() ? null : url, content.isEmpty() ? null : content);
            } catch (DescriptionException e) {
                throw new FieldProblem(url.isEmpty() ? "content" : "url", e.kind() == DescriptionException.Kind.INVALID
                        ? "field.description" : "field.descriptionUnavailable", e.getMessage());
            } catch (ServerException e) {
                throw e.kind() == ServerException.Kind.CONFLICT ? new FieldProblem("service", "field.duplicate",
                        e.getMessage()) : new FieldProblem(url.isEmpty() ? "service" : "url", "field.refusedHere",
                        e.getMessage());
            }
        });
        pages.post(server, "/descriptions/openapi/refresh", "descriptions", "done.descriptionRefreshed", (who, form) -> {
            String content = blankAsEmpty(form.raw("content"));
            admin.refreshDescription(who, id(form, "service", ServiceId::parse), content.isEmpty() ? null : content);
        });
        pages.post(server, "/descriptions/openapi/delete", "descriptions", "done.descriptionDeleted", (who, form) ->
                admin.deleteDescription(who, id(form, "service", ServiceId::parse)));
        pages.post(server, "/descriptions/wsdl", "descriptions", "done.wsdlAdded", (who, form) -> {
            SubsystemId provider = id(form, "provider", SubsystemId::parse);
            String url = form.get("wsdlUrl");
            String content = blankAsEmpty(form.raw("wsdlContent"));
            if (url.isEmpty() == content.isEmpty()) {
                throw new FieldProblem("wsdlUrl", url.isEmpty() ? "field.documentNeither" : "field.documentBoth", "");
            }
            try {
                admin.addWsdl(who, provider, url.isEmpty() ? null : url, content.isEmpty() ? null : content,
                        form.checked("personalData"));
            } catch (DescriptionException e) {
                throw new FieldProblem(url.isEmpty() ? "wsdlContent" : "wsdlUrl", e.kind()
                        == DescriptionException.Kind.INVALID ? "field.wsdl" : "field.descriptionUnavailable",
                        e.getMessage());
            } catch (ServerException e) {
                throw new FieldProblem(e.kind() == ServerException.Kind.CONFLICT || url.isEmpty() ? "provider"
                        : "wsdlUrl", e.kind() == ServerException.Kind.CONFLICT ? "field.duplicate" : "field.refusedHere",
                        e.getMessage());
            }
        });
        pages.post(server, "/descriptions/wsdl/refresh", "descriptions", "done.wsdlRefreshed", (who, form) -> {
            String content = blankAsEmpty(form.raw("content"));
            admin.refreshWsdl(who, number(form, "id"), content.isEmpty() ? null : content);
        });
        pages.post(server, "/descriptions/wsdl/delete", "descriptions", "done.wsdlDeleted", (who, form) ->
                admin.deleteWsdl(who, number(form, "id")));
    }
}
