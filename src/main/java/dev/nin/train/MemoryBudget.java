package dev.nin.train;

import dev.nin.model.LayerSpec;
import dev.nin.model.MemoryCost;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
     * The memory this machine can give now: Linux's MemAvailable (free memory plus what the page cache can give
     * back), else the physical memory, each as the JVM sees it (container limits included).
     */
    public static long machineAvailableBytes() {
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
                if (line.startsWith("MemAvailable:"))
                    return Math.min(total, Long.parseLong(line.replaceAll("\\D", "")) * 1024);
        } catch (IOException | NumberFormatException notLinux) {
            // the physical memory is the bound then
        }
        return total;
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
