package dev.nin.train.record;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all at once or not at all: into a temporary file beside it ({@code NAME.<random>.tmp}), forced to
 * disk, then renamed over it in one step, so a crash leaves either the old file or the new one. The temporary
 * file is created like any file the user makes (mode 0666 less the umask, so others may read a record), not
 * with {@code Files.createTempFile}'s private 0600. A failure names the file ({@link WriteException}).
 */
public final class AtomicFile {

    /** What writes the content; the stream is closed by {@link #write}, the channel forced after it. */
    public interface Content {
        void writeTo(OutputStream out, FileChannel channel) throws IOException;
    }

    private AtomicFile() {
    }

    public static void write(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new WriteException(file, e.getFile() + " is a file, not a folder", e);
        } catch (IOException e) {
            throw new WriteException(file, e);
        }
        Path tmp = null;
        try {
            tmp = createTemporary(dir, file.getFileName().toString());
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                content.writeTo(out, channel);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw e instanceof WriteException ? e : new WriteException(file, e);
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    /** A new empty file NAME.<random>.tmp in dir, with the mode any new file gets (0666 less the umask). */
    private static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(temporaryName(name, ThreadLocalRandom.current().nextLong()));
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 10) throw taken;
            }
        }
    }

    /**
     * Removes the temporary files that a killed write of {@code file} left ({@code NAME.*.tmp}); call it only
     * while no other process can be writing {@code file} (e.g. holding its folder's {@code RunLock}).
     * Returns how many were removed.
     */
    public static int removeLeftovers(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) return 0;
        String name = file.getFileName().toString();
        int removed = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) if (isLeftoverOf(name, p.getFileName().toString()) && Files.isRegularFile(p) && Files.deleteIfExists(p)) removed++;
        }
        return removed;
    }

    /** NAME.&lt;random in base 36&gt;.tmp: the name of a temporary file of {@link #write}. */
    static String temporaryName(String name, long random) {
        return name + "." + Long.toUnsignedString(random, 36) + ".tmp";
    }

    /** Whether {@code candidate} is NAME.&lt;random&gt;.tmp as {@link #write} names its temporary files (the random part base 36). */
    static boolean isLeftoverOf(String name, String candidate) {
        if (!candidate.startsWith(name + ".") || !candidate.endsWith(".tmp")) return false;
        String random = candidate.substring(name.length() + 1, candidate.length() - ".tmp".length());
        return !random.isEmpty() && random.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'z');
    }

    /** Writing {@code file} failed; the message names it and the system's reason (e.g. "No space left on device"). */
    public static final class WriteException extends IOException {
        private final Path file;

        public WriteException(Path file, IOException cause) {
            this(file, reason(cause), cause);
        }

        public WriteException(Path file, String reason, IOException cause) {
            super("cannot write " + file + ": " + reason, cause);
            this.file = file;
        }

        public Path file() {
            return file;
        }

        private static String reason(IOException e) {
            if (e instanceof java.nio.file.FileSystemException fs) {
                String why = fs.getReason() != null ? fs.getReason() : switch (fs) {
                    case java.nio.file.AccessDeniedException a -> "permission denied";
                    case java.nio.file.NoSuchFileException n -> "no such file or directory";
                    case java.nio.file.NotDirectoryException n -> "not a directory";
                    case FileAlreadyExistsException f -> "a file of that name is in the way";
                    default -> fs.getClass().getSimpleName();
                };
                // the temporary file's own name means nothing to the user: its folder does
                String where = fs.getFile() == null ? null : fs.getFile().endsWith(".tmp") ? Path.of(fs.getFile()).getParent() + "" : fs.getFile();
                return where == null ? why : where + ": " + why;
            }
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
