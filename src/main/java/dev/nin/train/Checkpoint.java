package dev.nin.train;

import dev.nin.train.record.AtomicFile;
import dev.nin.train.record.ClassCounts;
import dev.nin.train.record.EpochMetrics;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The state of a run after an epoch: its parameters, the epochs done with their metrics, and the
 * configuration, and the optimizer's velocities when it has momentum ({@link Sgd}). Nothing else is needed to
 * continue exactly: plain SGD keeps no optimizer state, and every random draw is a function of (seed, epoch, step)
 * ({@link Seeds}).
 *
 * <p>Binary format, big-endian: the magic {@code NIN-CKPT}, a version, the configuration, the metrics, each
 * parameter (name, length, floats), from version 3 each velocity likewise, then a CRC-32 of everything before it.
 * Versions 1 and 2 predate momentum: they read as plain SGD at a constant rate. Written to a temporary file and
 * moved over the old one atomically, so a crash mid-write leaves the previous checkpoint intact.
 */
public record Checkpoint(TrainingConfig config, List<EpochMetrics> epochs, Map<String, float[]> parameters, Map<String, float[]> velocities) {
    private static final byte[] MAGIC = "NIN-CKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 4;  // 2 added the weight initialisation, 3 momentum, weight decay, schedule, velocities, 4 the clip norm and the test set by class

    /** Thrown when a checkpoint file cannot be read; the message names the file and what is wrong. */
    public static final class BrokenException extends IOException {
        BrokenException(Path file, String problem, Throwable cause) {
            super("checkpoint " + file + " is unusable: " + problem, cause);
        }
    }

    /** The number of epochs done. */
    public int epoch() {
        return epochs.size();
    }

    /** Without optimizer state (plain SGD). */
    public Checkpoint(TrainingConfig config, List<EpochMetrics> epochs, Map<String, float[]> parameters) {
        this(config, epochs, parameters, Map.of());
    }

    /** Copies the network's parameters from the backend (for plain SGD, which keeps no other state). */
    public static Checkpoint of(Network network, TrainingConfig config, List<EpochMetrics> epochs) {
        return new Checkpoint(config, List.copyOf(epochs), Weights.of(network));
    }

    /** Copies the network's parameters and the optimizer's velocities from the backend. */
    public static Checkpoint of(Network network, Sgd sgd, TrainingConfig config, List<EpochMetrics> epochs) {
        return new Checkpoint(config, List.copyOf(epochs), Weights.of(network), sgd.velocities());
    }

    /** Loads the parameters into a network built from the same description. */
    public void restore(Network network) {
        try {
            Weights.into(network, parameters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("the weights do not", "the checkpoint does not"), e);
        }
    }

    /** Loads the parameters into the network and the velocities into its optimizer. */
    public void restore(Network network, Sgd sgd) {
        restore(network);
        sgd.restore(velocities);
    }

    /** Writes atomically ({@link AtomicFile}): a crash mid-write leaves the previous checkpoint intact. */
    public void write(Path file) throws IOException {
        AtomicFile.write(file, (stream, channel) -> {
            CRC32 crc = new CRC32();
            var out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(stream, 1 << 16), crc));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(config.resize());
            out.writeInt(config.epochs());
            out.writeDouble(config.lr());
            out.writeInt(config.batchSize());
            out.writeLong(config.seed());
            out.writeInt(config.limit());
            out.writeUTF(config.init().label());
            out.writeDouble(config.momentum());
            out.writeDouble(config.weightDecay());
            out.writeUTF(config.schedule().label());
            out.writeDouble(config.clipNorm());
            out.writeInt(epochs.size());
            for (EpochMetrics m : epochs) {
                out.writeInt(m.epoch());
                for (double d : new double[]{m.loss(), m.trainAcc(), m.testAcc(), m.epochSeconds(), m.examplesPerSecond()}) out.writeDouble(d);
                writeClassCounts(out, m.testByClass());
            }
            writeArrays(out, parameters);
            writeArrays(out, velocities);
            out.flush();
            new DataOutputStream(stream).writeLong(crc.getValue());
        });
    }

    public static Checkpoint read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new BrokenException(file, "it is a directory, not a checkpoint file", null);
        if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such checkpoint");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CRC32 crc = new CRC32();
            var in = new DataInputStream(new CheckedInputStream(raw, crc));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) throw new BrokenException(file, "it does not start with " + new String(MAGIC, java.nio.charset.StandardCharsets.US_ASCII) + " (not a checkpoint)", null);
            int version = in.readInt();
            if (version < 1 || version > VERSION) throw new BrokenException(file, "format version " + version + ", this program reads versions 1 to " + VERSION, null);
            TrainingConfig config = new TrainingConfig(in.readInt(), in.readInt(), in.readDouble(), in.readInt(), in.readLong(), in.readInt());
            if (version >= 2) {
                String init = in.readUTF();
                try {
                    config = config.withInit(WeightInit.parse(init));
                } catch (IllegalArgumentException e) {
                    throw new BrokenException(file, "unknown weight initialisation '" + init + "'", e);
                }
            }  // version 1 predates the choice: its runs used Xavier
            if (version >= 3) {
                double momentum = in.readDouble(), weightDecay = in.readDouble();
                String schedule = in.readUTF();
                try {
                    config = config.withOptimizer(momentum, weightDecay, LearningRateSchedule.parse(schedule));
                } catch (IllegalArgumentException e) {
                    throw new BrokenException(file, "impossible optimizer settings (" + e.getMessage() + ")", e);
                }
            }  // versions 1 and 2 predate the choice: plain SGD at a constant rate
            if (version >= 4) {
                double clipNorm = in.readDouble();
                try {
                    config = config.withClipNorm(clipNorm);
                } catch (IllegalArgumentException e) {
                    throw new BrokenException(file, "impossible clip norm (" + e.getMessage() + ")", e);
                }
            }  // versions 1 to 3 predate it: no clipping
            int n = in.readInt();
            List<EpochMetrics> epochs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int epoch = in.readInt();
                double loss = in.readDouble(), trainAcc = in.readDouble(), testAcc = in.readDouble(), seconds = in.readDouble(), perSecond = in.readDouble();
                ClassCounts byClass = version >= 4 ? readClassCounts(in, file) : null;  // versions 1 to 3 kept no split
                epochs.add(new EpochMetrics(epoch, loss, trainAcc, testAcc, seconds, perSecond, byClass));
            }
            Map<String, float[]> parameters = readArrays(in);
            Map<String, float[]> velocities = version >= 3 ? readArrays(in) : Map.of();
            long expected = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != expected) throw new BrokenException(file, "its checksum does not match (the file is corrupted)", null);
            if (raw.read() != -1) throw new BrokenException(file, "it has bytes after its checksum", null);
            return new Checkpoint(config, epochs, parameters, velocities);
        } catch (EOFException e) {
            throw new BrokenException(file, "it ends too early (truncated)", e);
        } catch (IllegalArgumentException | OutOfMemoryError | NegativeArraySizeException e) {
            throw new BrokenException(file, "it holds impossible values (" + e.getMessage() + ")", e);
        }
    }

    private static void writeArrays(DataOutputStream out, Map<String, float[]> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (var e : arrays.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (float f : e.getValue()) out.writeFloat(f);
        }
    }

    private static Map<String, float[]> readArrays(DataInputStream in) throws IOException {
        int count = in.readInt();
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            float[] v = new float[in.readInt()];
            for (int j = 0; j < v.length; j++) v[j] = in.readFloat();
            arrays.put(name, v);
        }
        return arrays;
    }

    /** An epoch's test set by class (format 4): a flag, then the class count and three counts per class. */
    private static void writeClassCounts(DataOutputStream out, ClassCounts c) throws IOException {
        out.writeBoolean(c != null);
        if (c == null) return;
        out.writeInt(c.classes());
        for (List<Integer> counts : List.of(c.images(), c.correct(), c.predicted())) for (int v : counts) out.writeInt(v);
    }

    private static ClassCounts readClassCounts(DataInputStream in, Path file) throws IOException {
        if (!in.readBoolean()) return null;
        int k = in.readInt();
        if (k < 1 || k > 1_000) throw new BrokenException(file, "an epoch's class counts name " + k + " classes", null);
        List<List<Integer>> counts = new ArrayList<>();
        for (int part = 0; part < 3; part++) {
            List<Integer> l = new ArrayList<>();
            for (int c = 0; c < k; c++) l.add(in.readInt());
            counts.add(l);
        }
        try {
            return new ClassCounts(counts.get(0), counts.get(1), counts.get(2));
        } catch (IllegalArgumentException e) {
            throw new BrokenException(file, "impossible class counts (" + e.getMessage() + ")", e);
        }
    }
}
