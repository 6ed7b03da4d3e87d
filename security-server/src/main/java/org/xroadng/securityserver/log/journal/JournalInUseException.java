package org.xroadng.securityserver.log.journal;

import java.nio.file.Path;

/**
 * Another process holds the journal (its server runs): only one may write it, recover it or
 * release its segments. A tool that only reads what the journal's owner has stored reads the
 * owner's tables instead.
 */
public final class JournalInUseException extends JournalException {

    public JournalInUseException(Path dir) {
        super("the journal " + dir + " is in use by another process (its server is running); stop it first"
                + " to write, recover or release the journal");
    }
}
