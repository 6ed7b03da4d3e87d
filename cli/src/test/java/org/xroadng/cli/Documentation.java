package org.xroadng.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The project's documentation as one text: README.md, then every docs/*.md in name order. */
final class Documentation {

    private Documentation() {
    }

    static String read() throws IOException {
        Path root = Path.of("..");
        StringBuilder text = new StringBuilder(Files.readString(root.resolve("README.md")));
        List<Path> pages;
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            pages = docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
        for (Path page : pages) {
            text.append('\n').append(Files.readString(page));
        }
        return text.toString();
    }
}
