package org.xroadng.protocol.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorFormatTest {

    @Test
    void accept_choosesXmlOnlyWhenPreferred() {
        assertEquals(ErrorFormat.JSON, ErrorFormat.of(null));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("*/*"));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("text/html"));
        assertEquals(ErrorFormat.XML, ErrorFormat.of("application/xml"));
        assertEquals(ErrorFormat.TEXT_XML, ErrorFormat.of("text/xml"));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("application/xml, application/json"));
        assertEquals(ErrorFormat.XML, ErrorFormat.of("application/json;q=0.4, application/xml;q=0.8"));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("application/xml;q=x,,;"));
        assertEquals(ErrorFormat.JSON, ErrorFormat.of("application/xml;q=7"));
    }

    @Test
    void xml_escapesMarkupAndDropsCharactersXmlCannotCarry() {
        String xml = new String(ErrorFormat.XML.render(new ErrorBody("Client.BadRequest", "a<b>&\"'\u0001", null)),
                StandardCharsets.UTF_8);
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error><type>Client.BadRequest</type>"
                + "<message>a&lt;b&gt;&amp;&quot;&apos;?</message><detail/></error>\n", xml);
    }
}
