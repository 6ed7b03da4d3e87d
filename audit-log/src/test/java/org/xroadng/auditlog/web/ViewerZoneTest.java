package org.xroadng.auditlog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ViewerZoneTest {

    private static final Instant AT = Instant.parse("2026-03-01T09:05:07Z");

    @Test
    void aKnownZone_timesInItWithTheOffsetSaid() {
        assertEquals("01/03/2026 16:05:07 UTC+07:00", ViewerZone.parse("Asia/Ho_Chi_Minh").format(AT));
        assertEquals("01/03/2026 04:05:07 UTC-05:00", ViewerZone.parse("America/New_York").format(AT));
        assertEquals("Asia/Ho_Chi_Minh", ViewerZone.parse("Asia/Ho_Chi_Minh").id());
        assertEquals("01/03/2026 02:05:07 UTC-07:00", ViewerZone.parse("Etc/GMT+7").format(AT));
    }

    @Test
    void utcNoZoneOrAnUnknownOne_utc() {
        for (String id : new String[] {null, "", "UTC", "Etc/UTC", "Mars/Olympus", "<script>", "Asia/Ho Chi Minh",
                "../../etc", "A".repeat(70)}) {
            ViewerZone zone = ViewerZone.parse(id);
            assertEquals("UTC", zone.id(), String.valueOf(id));
            assertEquals("01/03/2026 09:05:07 UTC", zone.format(AT), String.valueOf(id));
        }
    }
}
