package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.TimedBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;
import dev.nin.train.record.BenchRecord;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Images per second of one training step (upload of the 28×28 batch, resize on the backend, forward,
 * loss, backward, SGD update) and of inference (upload, resize, forward in evaluation mode, loss without
 * gradient), each the median of timed steps after warm-up steps, and the backend's peak memory. The
 * pixel values do not change the speed, so the batch is random.
 */
public final class Benchmark {
    private Benchmark() {
    }

    /** A network on a backend with one random batch, ready to step: what both measurements run. */
    private record Bench(Backend backend, Network net, Inputs inputs, float[] pixels, int[] labels, Tensor stats, int batchSize) {
        static Bench of(Backend backend, NetworkSpec spec, int resize, int batchSize) {
            Network net = new Network(backend, spec, Shape.of(1, 1, resize, resize), batchSize);
            net.initialize(0);
            SplittableRandom random = new SplittableRandom(0);
            float[] pixels = new float[batchSize * 28 * 28];
            int[] labels = new int[batchSize];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
            for (int i = 0; i < batchSize; i++) labels[i] = random.nextInt(10);
            return new Bench(backend, net, new Inputs(backend, batchSize, 28, 28, resize), pixels, labels, backend.allocate(Shape.of(2)), batchSize);
        }

        void infer() {
            Tensor logits = net.forward(inputs.load(pixels, labels, batchSize), false);
            backend.softmaxCrossEntropy(logits, inputs.labels(), null, stats);
        }

        void train() {
            Tensor logits = net.forward(inputs.load(pixels, labels, batchSize), true);
            backend.softmaxCrossEntropy(logits, inputs.labels(), net.lossGradient(), stats);
            net.backward();
            net.sgdStep(0.1f);
        }
    }

    public static BenchRecord.Measurement measure(Backend backend, NetworkSpec spec, int resize, int batchSize, int warmup, int steps) {
        Bench bench = Bench.of(backend, spec, resize, batchSize);
        double inference = batchSize / median(warmup, steps, bench::infer, backend);
        double training = batchSize / median(warmup, steps, bench::train, backend);
        return new BenchRecord.Measurement("nin " + backend.name(), training, inference, backend.peakMemoryBytes());
    }

    /**
     * Seconds per training step of every backend op, summed over {@code steps} steps after {@code warmup}
     * untimed ones and divided by {@code steps}, the slowest first: the same step as {@link #measure}'s, with a wait
     * after each op (see {@link TimedBackend}).
     */
    public static List<TimedBackend.Entry> profileTraining(Backend backend, NetworkSpec spec, int resize, int batchSize, int warmup, int steps) {
        TimedBackend timed = new TimedBackend(backend);
        Bench bench = Bench.of(timed.backend(), spec, resize, batchSize);
        for (int i = 0; i < warmup + steps; i++) {
            if (i == warmup) timed.start();
            bench.train();
        }
        timed.stop();
        return timed.entries().stream()
                .map(e -> new TimedBackend.Entry(e.op(), e.shape(), e.calls() / steps, e.seconds() / steps))
                .toList();
    }

    /** The median wall time of a step in seconds, waiting for the backend after each. */
    static double median(int warmup, int steps, Runnable step, Backend backend) {
        for (int i = 0; i < warmup; i++) {
            step.run();
            backend.synchronize();
        }
        double[] seconds = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t = System.nanoTime();
            step.run();
            backend.synchronize();
            seconds[i] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(seconds);
        return steps % 2 == 1 ? seconds[steps / 2] : (seconds[steps / 2 - 1] + seconds[steps / 2]) / 2;
    }
}
