package dev.nin.train;

import dev.nin.train.record.AtomicFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One run at a time per output: a lock file (in the output folder, or beside the output file) locked with the
 * operating system's file lock and holding the owner's process id. The system drops the lock when its process
 * ends, however it ends, so a crashed run never blocks the next; a second run while the first lives is refused,
 * naming the first's process. The file is removed when the lock is released.
 */
public final class RunLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another live run holds the lock; the message names the output, the lock file and the process. */
    public static final class HeldException extends IllegalStateException {
        HeldException(String message) {
            super(message);
        }
    }

    /**
     * Locks {@code output} (a folder or a file) through {@code lockFile}; {@code flag} is how the user names it
     * (e.g. "--out"), for the message.
     */
    public static RunLock acquire(Path output, Path lockFile, String flag) throws IOException {
        for (int attempt = 0; ; attempt++) {
            FileChannel channel = open(output, lockFile, flag);
            Object opened = key(lockFile);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new HeldException(flag + " " + output + " is in use by another run: process " + holder + " holds " + lockFile
                        + "; wait for it to end, or choose another " + flag);
            }
            // the holder before us removes the file as it releases: if we locked a file that is no longer at
            // lockFile, someone may have made a new one there; lock that one instead
            if ((opened == null || !opened.equals(key(lockFile))) && attempt < 5) {
                channel.close();
                continue;
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new RunLock(lockFile, channel, lock);
        }
    }

    /** Opens (creating) the lock file and its folders; this is also the check that the output can be written. */
    private static FileChannel open(Path output, Path lockFile, String flag) throws IOException {
        for (Path p = lockFile.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) break;
            if (Files.exists(p)) throw new IllegalArgumentException(flag + " " + output + ": " + p + " is a file, not a folder");
        }
        try {
            Files.createDirectories(lockFile.toAbsolutePath().getParent());
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new IllegalArgumentException(flag + " " + output + ": " + e.getFile() + " is a file, not a folder");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new AtomicFile.WriteException(output, "permission denied (" + flag + ")", e);
        } catch (IOException e) {
            throw new AtomicFile.WriteException(lockFile, e);
        }
    }

    /** The identity of the file at path (device and inode on Unix), or null when there is none. */
    private static Object key(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return pid.isEmpty() ? "unknown" : pid;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);  // while still locked, so no one else is writing it
        } finally {
            lock.release();
            channel.close();
        }
    }
}
