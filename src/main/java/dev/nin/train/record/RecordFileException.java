package dev.nin.train.record;

import java.io.IOException;
import java.nio.file.Path;

/** A record file that is missing or cannot be read as the record it should hold; the message names the file. */
public final class RecordFileException extends IOException {

    public RecordFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
