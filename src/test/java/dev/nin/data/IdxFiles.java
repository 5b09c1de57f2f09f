package dev.nin.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files, well-formed or deliberately broken, for the tests. */
public final class IdxFiles {

    private IdxFiles() {
    }

    /** The bytes of an image file with the given header and payload (the payload may disagree with the header). */
    public static byte[] images(int magic, int count, int rows, int columns, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(columns);
        out.write(payload);
        return bytes.toByteArray();
    }

    public static byte[] labels(int magic, int count, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.write(payload);
        return bytes.toByteArray();
    }

    public static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    public static Path write(Path dir, String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /**
     * A small but well-formed Fashion-MNIST folder: the four gzipped files with {@code train} and {@code test}
     * images of {@code size × size} and labels cycling through the ten classes.
     */
    public static Path fashionMnist(Path dir, int train, int test, int size) throws IOException {
        Files.createDirectories(dir);
        write(dir, FashionMnist.TRAIN_IMAGES + ".gz", gzip(images(Idx.IMAGES_MAGIC, train, size, size, ramp(train * size * size))));
        write(dir, FashionMnist.TRAIN_LABELS + ".gz", gzip(labels(Idx.LABELS_MAGIC, train, classes(train))));
        write(dir, FashionMnist.TEST_IMAGES + ".gz", gzip(images(Idx.IMAGES_MAGIC, test, size, size, ramp(test * size * size))));
        write(dir, FashionMnist.TEST_LABELS + ".gz", gzip(labels(Idx.LABELS_MAGIC, test, classes(test))));
        return dir;
    }

    /** Labels 0, 1, …, 9, 0, 1, … */
    public static byte[] classes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i % 10);
        return b;
    }

    /** Bytes 0, 1, 2, … (mod 256). */
    public static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }
}
