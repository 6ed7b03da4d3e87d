package org.xroadng.cli.demo;

import java.util.List;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/** Who is who in the demo instance {@code DEMO} (DESIGN.md section 8). */
public final class DemoCast {

    public static final String INSTANCE = "DEMO";

    /** A member class the registry knows. */
    public record MemberClass(String code, String description) {
    }

    /** A member with its name. */
    public record Member(MemberId id, String name) {
    }

    public static final List<MemberClass> MEMBER_CLASSES = List.of(
            new MemberClass("GOV", "Government"), new MemberClass("COM", "Commercial"));

    public static final MemberId PORTAL_AGENCY = MemberId.parse("DEMO/GOV/1000");
    public static final MemberId POPULATION_REGISTRY = MemberId.parse("DEMO/GOV/1001");
    public static final MemberId TAX_BOARD = MemberId.parse("DEMO/GOV/1002");
    public static final MemberId BANK = MemberId.parse("DEMO/COM/2001");

    public static final List<Member> MEMBERS = List.of(
            new Member(PORTAL_AGENCY, "Citizen Portal Agency"),
            new Member(POPULATION_REGISTRY, "Population Registry"),
            new Member(TAX_BOARD, "Tax Board"),
            new Member(BANK, "Demo Bank"));

    public static final SubsystemId PORTAL = PORTAL_AGENCY.subsystem("portal");
    public static final SubsystemId POPULATION = POPULATION_REGISTRY.subsystem("population");
    public static final SubsystemId TAX = TAX_BOARD.subsystem("tax");
    public static final SubsystemId LOANS = BANK.subsystem("loans");
    public static final ServiceId PERSON = POPULATION.service("person");
    /** The same data as a SOAP service (X-Road message protocol 4.0), made of the IS's WSDL. */
    public static final ServiceId PERSON_SOAP = POPULATION.service("personSoap");

    public static final String CITIZEN_PORTALS = "citizen-portals";
    public static final GlobalGroupId CITIZEN_PORTALS_GROUP = new GlobalGroupId(INSTANCE, CITIZEN_PORTALS);

    /** The consumer side: the tax board's server, also hosting the bank and the (future) portal. */
    public static final SecurityServerId CONSUMER_SERVER = TAX_BOARD.server("ss1");
    /** The provider side: the population registry's server. */
    public static final SecurityServerId PROVIDER_SERVER = POPULATION_REGISTRY.server("ss1");

    /** The population registry's server {@code n}: {@code ss1}, {@code ss2}, ... (external load balancing). */
    public static SecurityServerId providerServer(int n) {
        return POPULATION_REGISTRY.server("ss" + n);
    }

    public static final String TAX_PURPOSE = "tax-assessment";
    /** The kind of authority the tax board's restricted accesses are made as (its access right says so). */
    public static final String TAX_AUTHORITY = "tax-investigation";
    /** The longest the tax board's restricted accesses may stay undisclosed. */
    public static final int RESTRICTION_MAX_DAYS = 365;
    /** The legal basis of the demo's restricted access. */
    public static final String TAX_LEGAL_BASIS = "TAX-ADMIN-LAW-38-2019-art.98";
    /** The label (and so the name in the citizen's view) of the provider server's inspector's API key. */
    public static final String INSPECTOR = "inspector-demo";
    public static final String CITIZEN = "EE38001010001";

    private DemoCast() {
    }
}
