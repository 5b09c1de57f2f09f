package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.model.LayerSpec;
import dev.nin.model.MemoryCost;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses a training configuration whose arrays cannot fit, before anything is allocated: the need is the
 * project's own count ({@link MemoryCost#training}: the input, every layer's output, parameters and gradients
 * at the batch size), which measured within 1% of the CPU backend's peak at 224 × 128 (1.55 GiB counted,
 * 1.54 GB peak RSS). Without the check, resize 2000 was killed by the kernel after minutes and resize 100000
 * overflowed an array index and crashed the JVM inside the native library.
 */
public final class MemoryBudget {

    /** The most elements one array may hold: Java indexes arrays, and the backends their buffers, with an int. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private MemoryBudget() {
    }

    /** What training {@code spec} on {@code resize × resize} inputs in batches of {@code batchSize} needs, in bytes. */
    public static long need(NetworkSpec spec, int resize, int batchSize) {
        return MemoryCost.training(spec, Shape.of(batchSize, 1, resize, resize), MemoryCost.Optimizer.SGD).total();
    }

    /**
     * Throws an IllegalArgumentException naming --resize and --batch-size when the network's largest array has more
     * elements than an index reaches, or when {@link #need} exceeds {@code availableBytes} (skipped when that is 0,
     * i.e. unknown, as for a GPU's memory).
     */
    public static void require(NetworkSpec spec, int resize, int batchSize, long availableBytes, String where) {
        Shape x = Shape.of(batchSize, 1, resize, resize);
        long largest = x.size();
        for (LayerSpec layer : spec.layers()) {
            x = layer.outputShape(x);
            largest = Math.max(largest, x.size());
        }
        String config = String.format(Locale.ROOT, "--resize %d with --batch-size %d", resize, batchSize);
        if (largest > MAX_ELEMENTS)
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s makes an array of %,d values, more than the %,d an array can index; "
                    + "use a smaller --resize or --batch-size", config, largest, MAX_ELEMENTS));
        long need = need(spec, resize, batchSize);
        if (availableBytes > 0 && need > availableBytes)
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %s for the network's arrays (its memory count), "
                    + "more than the %s %s; use a smaller --resize or --batch-size", config, gib(need), gib(availableBytes), where));
    }

    /**
     * {@link #require} against what {@code backend} can use: the machine's available memory for the CPU backend
     * (ND4J's arrays live outside the Java heap), the Java heap for the reference backend, nothing checked but
     * the array size for the GPU (its memory is the device's, which the backend reports only once it allocates).
     */
    public static void require(NetworkSpec spec, int resize, int batchSize, Backend backend) {
        long machine = machineAvailableBytes();
        switch (backend.name()) {
            case "gpu" -> require(spec, resize, batchSize, 0, "");
            case "reference" -> {
                long heap = heapAvailableBytes();
                if (machine > 0 && machine < heap) require(spec, resize, batchSize, machine, "this machine has available");
                else require(spec, resize, batchSize, heap, "the Java heap can still take (NIN_JAVA_OPTS=-Xmx... gives it more)");
            }
            default -> require(spec, resize, batchSize, machine, "this machine has available");
        }
    }

    /**
     * The memory this machine can give now: Linux's MemAvailable (free memory plus what the page cache can give
     * back), less where a cgroup (a container) allows less; 0 (unknown) elsewhere. Read from /proc and /sys rather
     * than through java.management, which the GPU machine's minimal Java runtime does not have.
     */
    public static long machineAvailableBytes() {
        long available = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
                if (line.startsWith("MemAvailable:")) available = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            Path max = Path.of("/sys/fs/cgroup/memory.max"), current = Path.of("/sys/fs/cgroup/memory.current");
            if (available > 0 && Files.isReadable(max) && Files.isReadable(current)) {
                String limit = Files.readString(max).strip();
                if (!limit.equals("max"))
                    available = Math.min(available, Long.parseLong(limit) - Long.parseLong(Files.readString(current).strip()));
            }
        } catch (IOException | NumberFormatException notLinux) {
            return 0;
        }
        return Math.max(available, 0);
    }

    /** For a backend that keeps its arrays on the Java heap (the reference backend): what the heap may still grow to. */
    public static long heapAvailableBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
