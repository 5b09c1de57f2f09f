package dev.nin.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of (Fashion-)MNIST: a big-endian header {@code 0x00 0x00 type dims}, one 32-bit
 * size per dimension, then the unsigned bytes. Both the original {@code .gz} files and unpacked ones are
 * read (gzip is recognised by its first two bytes, not by the name).
 */
public final class Idx {

    /** Magic number of an IDX file of unsigned bytes with three dimensions (count, rows, columns). */
    public static final int IMAGES_MAGIC = 0x0000_0803;
    /** Magic number of an IDX file of unsigned bytes with one dimension (count). */
    public static final int LABELS_MAGIC = 0x0000_0801;

    private static final int BUFFER = 1 << 16;

    /** The raw content of an image file: {@code count} images of {@code rows × columns} unsigned bytes. */
    public record RawImages(byte[] pixels, int count, int rows, int columns) {
    }

    private Idx() {
    }

    public static RawImages readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in.readInt(), IMAGES_MAGIC, "an image file (unsigned bytes, 3 dimensions)");
            int count = in.readInt(), rows = in.readInt(), columns = in.readInt();
            if (count < 0 || rows <= 0 || columns <= 0)
                throw new DataFileException(file, "invalid dimensions " + count + " × " + rows + " × " + columns);
            long bytes = (long) count * rows * columns;
            if (bytes > Integer.MAX_VALUE - 16)
                throw new DataFileException(file, "too large: " + count + " images of " + rows + " × " + columns);
            byte[] pixels = readExactly(file, in, (int) bytes, count + " images of " + rows + " × " + columns);
            return new RawImages(pixels, count, rows, columns);
        } catch (EOFException e) {
            throw new DataFileException(file, "truncated: the file ends inside its header", e);
        } catch (ZipException e) {
            throw new DataFileException(file, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /** The labels of a label file, as unsigned values 0–255. */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in.readInt(), LABELS_MAGIC, "a label file (unsigned bytes, 1 dimension)");
            int count = in.readInt();
            if (count < 0) throw new DataFileException(file, "invalid label count " + count);
            byte[] bytes = readExactly(file, in, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = bytes[i] & 0xFF;
            return labels;
        } catch (EOFException e) {
            throw new DataFileException(file, "truncated: the file ends inside its header", e);
        } catch (ZipException e) {
            throw new DataFileException(file, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new DataFileException(file, "is a directory, not an IDX file");
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "missing (no such file)", e);
        } catch (AccessDeniedException e) {
            throw new DataFileException(file, "not readable (permission denied)", e);
        }
        try {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw);
        } catch (IOException e) {
            raw.close();
            throw new DataFileException(file, "not readable as gzip: " + e.getMessage(), e);
        }
    }

    private static void checkMagic(Path file, int magic, int expected, String what) throws DataFileException {
        if (magic != expected)
            throw new DataFileException(file, String.format(
                    "wrong magic number 0x%08X, expected 0x%08X for %s", magic, expected, what));
    }

    /** Reads the payload and insists that it ends exactly there: a short or over-long file is an error. */
    private static byte[] readExactly(Path file, InputStream in, int n, String what) throws IOException {
        byte[] data;
        try {
            data = in.readNBytes(n);
        } catch (EOFException e) { // gzip stream cut short
            throw new DataFileException(file, "truncated: the compressed data ends before " + what, e);
        }
        if (data.length < n)
            throw new DataFileException(file, "truncated: header promises " + what + " (" + n
                    + " bytes) but only " + data.length + " bytes follow");
        int next;
        try {
            next = in.read(); // also makes gzip check its trailer (length and CRC)
        } catch (EOFException e) {
            throw new DataFileException(file, "truncated: the gzip trailer after " + what + " is missing", e);
        }
        if (next != -1)
            throw new DataFileException(file, "extra data after the " + what + " the header announces");
        return data;
    }
}
