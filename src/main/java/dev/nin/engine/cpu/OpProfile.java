package dev.nin.engine.cpu;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Where a NiN training step spends its time on the CPU backend: every operation of one forward and backward
 * pass over the chapter's layers, timed separately, medians of a few repeats, plus the peak resident memory.
 * Run: {@code java -cp target/classes:$(cat target/classpath.txt) dev.nin.engine.cpu.OpProfile 224 128 3}.
 * Set ONEDNN_VERBOSE=1 to see oneDNN's own primitive timings (reorders, backward data and weights).
 */
public final class OpProfile {

    /** The chapter's NiN: blocks (11/4/0, 96), (5/1/2, 256), (3/1/1, 384), (3/1/1, 10), pools 3/2, dropout. */
    static List<LayerSpec> nin() {
        List<LayerSpec> l = new ArrayList<>();
        block(l, 1, 96, 11, 4, 0);
        l.add(new LayerSpec.MaxPool2d(3, 2));
        block(l, 96, 256, 5, 1, 2);
        l.add(new LayerSpec.MaxPool2d(3, 2));
        block(l, 256, 384, 3, 1, 1);
        l.add(new LayerSpec.MaxPool2d(3, 2));
        l.add(new LayerSpec.Dropout(0.5));
        block(l, 384, 10, 3, 1, 1);
        l.add(new LayerSpec.GlobalAvgPool());
        return l;
    }

    private static void block(List<LayerSpec> l, int in, int out, int k, int s, int p) {
        l.add(new LayerSpec.Conv2d(in, out, k, s, p));
        l.add(new LayerSpec.ReLU());
        l.add(new LayerSpec.Conv2d(out, out, 1, 1, 0));
        l.add(new LayerSpec.ReLU());
        l.add(new LayerSpec.Conv2d(out, out, 1, 1, 0));
        l.add(new LayerSpec.ReLU());
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 224;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (Backend be = new Nd4jBackend()) {
            profile(be, nin(), Shape.of(batch, 1, size, size), repeats);
        }
    }

    static void profile(Backend be, List<LayerSpec> layers, Shape input, int repeats) {
        Random r = new Random(1);
        int n = layers.size();
        Tensor[] act = new Tensor[n + 1], grad = new Tensor[n + 1], w = new Tensor[n], b = new Tensor[n], dw = new Tensor[n], db = new Tensor[n];
        Shape s = input;
        act[0] = be.allocate(s);
        be.upload(randoms(r, s.size(), 1f), act[0]);
        for (int i = 0; i < n; i++) {
            LayerSpec layer = layers.get(i);
            Shape out = layer.outputShape(s);
            boolean inPlace = layer instanceof LayerSpec.ReLU || layer instanceof LayerSpec.Dropout;
            act[i + 1] = inPlace ? act[i] : be.allocate(out);
            if (layer instanceof LayerSpec.Conv2d c) {
                w[i] = be.allocate(c.weightShape());
                b[i] = be.allocate(c.biasShape());
                dw[i] = be.allocate(c.weightShape());
                db[i] = be.allocate(c.biasShape());
                float bound = (float) Math.sqrt(6.0 / (c.inChannels() * c.kernel() * c.kernel() + c.outChannels() * c.kernel() * c.kernel()));
                be.upload(randoms(r, c.weightShape().size(), bound), w[i]);
            }
            if (layer instanceof LayerSpec.Dropout) b[i] = be.allocate(s); // the mask
            s = out;
        }
        // grad[i] is the gradient of act[i]; an in-place layer shares its output's gradient buffer
        grad[n] = be.allocate(act[n].shape());
        for (int i = n - 1; i >= 1; i--) {
            LayerSpec layer = layers.get(i);
            grad[i] = layer instanceof LayerSpec.ReLU || layer instanceof LayerSpec.Dropout ? grad[i + 1] : be.allocate(act[i].shape());
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        List<Double> steps = new ArrayList<>();
        for (int rep = 0; rep <= repeats; rep++) { // repeat 0 warms up (oneDNN primitive creation, page faults)
            long stepStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                LayerSpec layer = layers.get(i);
                int li = i;
                String name = String.format("%02d %-34s", i, describe(layer, act[i].shape()));
                switch (layer) {
                    case LayerSpec.Conv2d c -> time(times, rep, name + " fwd", be, () -> be.conv2dForward(act[li], w[li], b[li], c.stride(), c.padding(), act[li + 1]));
                    case LayerSpec.ReLU x -> time(times, rep, name + " fwd", be, () -> be.relu(act[li], act[li + 1]));
                    case LayerSpec.MaxPool2d m -> time(times, rep, name + " fwd", be, () -> be.maxPool2d(act[li], m.kernel(), m.stride(), act[li + 1]));
                    case LayerSpec.Dropout d -> time(times, rep, name + " fwd", be, () -> be.dropout(act[li], (float) d.p(), 7, b[li], act[li + 1]));
                    case LayerSpec.GlobalAvgPool g -> time(times, rep, name + " fwd", be, () -> be.globalAvgPool(act[li], act[li + 1]));
                    default -> throw new IllegalArgumentException("not profiled: " + layer);
                }
            }
            be.upload(randoms(r, grad[n].size(), 0.01f), grad[n]);
            for (int i = n - 1; i >= 0; i--) {
                LayerSpec layer = layers.get(i);
                int li = i;
                String name = String.format("%02d %-34s", i, describe(layer, act[i].shape()));
                Tensor gIn = i == 0 ? null : grad[i];
                switch (layer) {
                    case LayerSpec.Conv2d c -> time(times, rep, name + " bwd", be, () -> be.conv2dBackward(act[li], w[li], grad[li + 1], c.stride(), c.padding(), gIn, dw[li], db[li]));
                    case LayerSpec.ReLU x -> time(times, rep, name + " bwd", be, () -> be.reluBackward(act[li + 1], grad[li + 1], gIn));
                    case LayerSpec.MaxPool2d m -> time(times, rep, name + " bwd", be, () -> be.maxPool2dBackward(act[li], act[li + 1], grad[li + 1], m.kernel(), m.stride(), gIn));
                    case LayerSpec.Dropout d -> time(times, rep, name + " bwd", be, () -> be.dropoutBackward(grad[li + 1], b[li], gIn));
                    case LayerSpec.GlobalAvgPool g -> time(times, rep, name + " bwd", be, () -> be.globalAvgPoolBackward(grad[li + 1], gIn));
                    default -> throw new IllegalArgumentException("not profiled: " + layer);
                }
            }
            time(times, rep, "sgd, all layers", be, () -> {
                for (int i = 0; i < n; i++) {
                    if (dw[i] == null) continue;
                    be.sgdStep(w[i], dw[i], 0.01f);
                    be.sgdStep(b[i], db[i], 0.01f);
                }
            });
            if (rep > 0) steps.add((System.nanoTime() - stepStart) / 1e6);
        }
        System.out.printf("NiN %s on %s, %s%n", input, be.device(), be.provenance());
        System.out.printf("medians of %d repeats after one warm-up, ms%n", repeats);
        System.out.printf("%-48s %9s %9s%n", "operation", "wall", "cpu");
        double total = 0, totalCpu = 0;
        for (var e : times.entrySet()) {
            if (e.getKey().endsWith(CPU)) continue;
            double m = median(e.getValue()), c = median(times.get(e.getKey() + CPU));
            total += m;
            totalCpu += c;
            System.out.printf("%-48s %9.1f %9.1f%n", e.getKey(), m, c);
        }
        System.out.printf("%-48s %9.1f %9.1f%n", "sum of op medians", total, totalCpu);
        double step = median(steps);
        System.out.printf("%-48s %9.1f  (%.1f images/s; %.1f images/s by this thread's cpu time)%n", "median step", step,
                input.dim(0) * 1000 / step, input.dim(0) * 1000 / totalCpu);
        System.out.printf("peak resident memory %.0f MB, ND4J off-heap now %.0f MB%n",
                be.peakMemoryBytes() / 1e6, Nd4jBackend.offHeapBytes() / 1e6);
    }

    private static String describe(LayerSpec l, Shape in) {
        String d = switch (l) {
            case LayerSpec.Conv2d c -> "conv " + c.inChannels() + "->" + c.outChannels() + " k" + c.kernel() + "/" + c.stride();
            default -> l.name();
        };
        return d + " " + in.dim(2) + "x" + in.dim(3);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Wall time, and this thread's CPU time: with OMP_NUM_THREADS=1 every native op runs on the calling
     * thread, so the CPU time is the op's work even when other processes crowd the cores.
     */
    private static void time(Map<String, List<Double>> times, int rep, String name, Backend be, Runnable op) {
        long c = THREADS.getCurrentThreadCpuTime(), t = System.nanoTime();
        op.run();
        be.synchronize();
        double ms = (System.nanoTime() - t) / 1e6, cpuMs = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
        if (rep == 0) return;
        times.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
        times.computeIfAbsent(name + CPU, k -> new ArrayList<>()).add(cpuMs);
    }

    private static final String CPU = "\0cpu";

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static float[] randoms(Random r, long n, float scale) {
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    private OpProfile() {
    }
}
