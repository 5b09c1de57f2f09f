package dev.nin.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that is missing or does not hold what its name promises; the message names the file. */
public final class DataFileException extends IOException {

    private final Path file;

    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file the problem was found in. */
    public Path file() {
        return file;
    }
}
