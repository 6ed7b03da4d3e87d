package org.xroadng.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * What {@link SafeXml} reads and what it refuses: ordinary documents with predefined entities and
 * character references read as usual; any DTD (external entity, entity expansion) is refused
 * before it is processed, so a secret file never shows; depth and size are bounded; every refusal
 * names the line.
 */
class SafeXmlTest {

    @TempDir
    Path dir;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void predefinedEntitiesAndCharacterReferences_readAsText() throws XmlException {
        Document document = SafeXml.parse(utf8("<?xml version=\"1.0\"?>\n<a x=\"&quot;q&quot;\">&lt;b&gt; &amp; &#x41;&#66;"
                + "<![CDATA[<c>]]></a>"), SafeXml.DEFAULT);
        assertEquals("<b> & AB<c>", document.getDocumentElement().getTextContent());
        assertEquals("\"q\"", document.getDocumentElement().getAttribute("x"));
    }

    @Test
    void externalEntity_isRefusedAtTheDoctype_andTheFileIsNeverRead() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY s SYSTEM \"" + secret.toUri() + "\">]>\n<a>&s;</a>";
        XmlException e = assertThrows(XmlException.class, () -> SafeXml.parse(utf8(xml), SafeXml.DEFAULT));
        assertTrue(e.getMessage().startsWith("line 2") && e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertTrue(!e.getMessage().contains("TOP-SECRET"), e.getMessage());
        assertThrows(XmlException.class, () -> SafeXml.reader(utf8(xml), SafeXml.DEFAULT));
    }

    @Test
    void billionLaughs_isRefusedBeforeAnyExpansion() {
        StringBuilder xml = new StringBuilder("<!DOCTYPE l [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            xml.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        xml.append("]><a>&l9;</a>");
        long start = System.nanoTime();
        XmlException e = assertThrows(XmlException.class, () -> SafeXml.parse(utf8(xml.toString()), SafeXml.DEFAULT));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused at once, nothing expanded");
    }

    @Test
    void undeclaredEntity_isNotWellFormed() {
        XmlException e = assertThrows(XmlException.class, () -> SafeXml.parse(utf8("<a>\n&nbsp;</a>"), SafeXml.DEFAULT));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void depthAndSize_areBounded() throws XmlException {
        SafeXml.Limits limits = new SafeXml.Limits(1000, 5);
        SafeXml.parse(utf8("<a><b><c><d><e/></d></c></b></a>"), limits);
        XmlException deep = assertThrows(XmlException.class, () -> SafeXml.parse(utf8(
                "<a><b><c><d><e><f/></e></d></c></b></a>"), limits));
        assertTrue(deep.getMessage().contains("nested more than 5 deep"), deep.getMessage());
        XmlException large = assertThrows(XmlException.class, () -> SafeXml.parse(utf8("<a>" + "x".repeat(1000)
                + "</a>"), limits));
        assertTrue(large.getMessage().contains("at most 1000"), large.getMessage());
        assertThrows(XmlException.class, () -> SafeXml.parse(new byte[0], limits));
        assertThrows(IllegalArgumentException.class, () -> new SafeXml.Limits(0, 5));
    }

    @Test
    void malformedDocument_namesLineAndColumn() {
        XmlException e = assertThrows(XmlException.class, () -> SafeXml.parse(utf8("<a>\n<b></a>"), SafeXml.DEFAULT));
        assertTrue(e.getMessage().startsWith("not well-formed XML: line 2"), e.getMessage());
    }

    @Test
    void reader_givesLocationsOfAnAcceptedDocument() throws XmlException, XMLStreamException {
        XMLStreamReader reader = SafeXml.reader(utf8("<a>\n<b/>\n</a>"), SafeXml.DEFAULT);
        reader.nextTag();
        reader.nextTag();
        assertEquals("b", reader.getLocalName());
        assertEquals(2, reader.getLocation().getLineNumber());
    }
}
