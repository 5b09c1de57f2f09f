package dev.nin.train;

import dev.nin.train.record.AtomicFile;
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
 * configuration. Nothing else is needed to continue exactly: plain SGD keeps no optimizer state, and every
 * random draw is a function of (seed, epoch, step) ({@link Seeds}).
 *
 * <p>Binary format, big-endian: the magic {@code NIN-CKPT}, a version, the configuration, the metrics, each
 * parameter (name, shape, floats), then a CRC-32 of everything before it. Written to a temporary file and
 * moved over the old one atomically, so a crash mid-write leaves the previous checkpoint intact.
 */
public record Checkpoint(TrainingConfig config, List<EpochMetrics> epochs, Map<String, float[]> parameters) {
    private static final byte[] MAGIC = "NIN-CKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 2;  // 2 added the weight initialisation

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

    /** Copies the network's parameters from the backend. */
    public static Checkpoint of(Network network, TrainingConfig config, List<EpochMetrics> epochs) {
        return new Checkpoint(config, List.copyOf(epochs), Weights.of(network));
    }

    /** Loads the parameters into a network built from the same description. */
    public void restore(Network network) {
        try {
            Weights.into(network, parameters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("the weights do not", "the checkpoint does not"), e);
        }
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
            out.writeInt(epochs.size());
            for (EpochMetrics m : epochs) {
                out.writeInt(m.epoch());
                for (double d : new double[]{m.loss(), m.trainAcc(), m.testAcc(), m.epochSeconds(), m.examplesPerSecond()}) out.writeDouble(d);
            }
            out.writeInt(parameters.size());
            for (var e : parameters.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) out.writeFloat(f);
            }
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
            if (version != VERSION && version != 1) throw new BrokenException(file, "format version " + version + ", this program reads versions 1 and " + VERSION, null);
            TrainingConfig config = new TrainingConfig(in.readInt(), in.readInt(), in.readDouble(), in.readInt(), in.readLong(), in.readInt());
            if (version >= 2) {
                String init = in.readUTF();
                try {
                    config = config.withInit(WeightInit.parse(init));
                } catch (IllegalArgumentException e) {
                    throw new BrokenException(file, "unknown weight initialisation '" + init + "'", e);
                }
            }  // version 1 predates the choice: its runs used Xavier
            int n = in.readInt();
            List<EpochMetrics> epochs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                epochs.add(new EpochMetrics(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
            }
            int count = in.readInt();
            Map<String, float[]> parameters = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) v[j] = in.readFloat();
                parameters.put(name, v);
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != expected) throw new BrokenException(file, "its checksum does not match (the file is corrupted)", null);
            if (raw.read() != -1) throw new BrokenException(file, "it has bytes after its checksum", null);
            return new Checkpoint(config, epochs, parameters);
        } catch (EOFException e) {
            throw new BrokenException(file, "it ends too early (truncated)", e);
        } catch (IllegalArgumentException | OutOfMemoryError | NegativeArraySizeException e) {
            throw new BrokenException(file, "it holds impossible values (" + e.getMessage() + ")", e);
        }
    }
}
