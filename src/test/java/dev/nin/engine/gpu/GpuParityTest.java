package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec;
import dev.nin.model.NetworkSpec;
import dev.nin.model.NinBlock;
import dev.nin.model.Shape;
import dev.nin.model.Stage;
import dev.nin.train.Network;
import dev.nin.train.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GPU backend computes what the reference backend computes: a small NiN (the chapter's blocks, pools,
 * dropout and global average pooling, narrower and on 36×36 inputs so the reference's plain loops stay quick)
 * with the same weights and batch gives the same logits, loss and gradients, and a few SGD steps stay together.
 *
 * <p>Runs only where a GPU opens; elsewhere it is skipped with the reason (which libraries were looked for
 * where). The GPU runs in strict FP32 here: TF32 rounds every convolution input to 10 mantissa bits
 * (relative error about 5e-4 per product), and a tolerance loose enough for that would hide real mistakes.
 * In strict FP32 the two sides differ only in the order of float additions.
 */
@Tag(Chapters.GPU)
class GpuParityTest {
    private static final int BATCH = 8, SIZE = 36, CLASSES = 10;
    // tag::tolerance[]
    /** Float sums in a different order: about 1e-6 of the largest value after a few layers; 1e-4 leaves room but catches any wrong index. */
    private static final double TOLERANCE = 1e-4;
    // end::tolerance[]

    private static CudaBackend gpu;
    private static ReferenceBackend ref;
    private static String unavailable;

    // tag::open-or-skip[]
    @BeforeAll
    static void openGpu() {
        try {
            gpu = new CudaBackend(CudaBackend.Options.fromEnvironment().withStrictFp32(true));
            GpuStatus.write(GpuParityTest.class, "GpuParityTest ran on " + gpu.device() + " in strict FP32");
        } catch (GpuUnavailableException e) {
            if (Boolean.getBoolean("nin.gpu.required")) throw e;  // scripts/gpu-run: on the GPU machine a skip would hide a failure
            unavailable = "no CUDA: " + e.getMessage();
            System.out.println("GpuParityTest skipped: " + unavailable);
            GpuStatus.write(GpuParityTest.class, "GpuParityTest skipped: " + unavailable);
        }
        ref = new ReferenceBackend();
    }
    // end::open-or-skip[]

    @BeforeEach
    void requireGpu() {
        if (gpu == null) Assumptions.abort(unavailable);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    /** A narrow NiN: the chapter's structure with 8, 16 and 10 channels. */
    static NetworkSpec smallNin() {
        return new NetworkSpec("small NiN", List.of(
                NinBlock.of(1, 8, 5, 2, 0),
                Stage.of(new LayerSpec.MaxPool2d(3, 2)),
                NinBlock.of(8, 16, 3, 1, 1),
                Stage.of(new LayerSpec.MaxPool2d(3, 2)),
                Stage.of(new LayerSpec.Dropout(0.5)),
                NinBlock.of(16, CLASSES, 3, 1, 1),
                Stage.of(new LayerSpec.GlobalAvgPool()),
                Stage.of(new LayerSpec.Flatten())));
    }

    /** One network and its batch buffers on one backend. */
    private record Side(Backend backend, Network net, Tensor x, Tensor labels, Tensor stats) {
        static Side on(Backend b) {
            Network net = new Network(b, smallNin(), Shape.of(1, 1, SIZE, SIZE), BATCH);
            net.initialize(42);
            return new Side(b, net, b.allocate(Shape.of(BATCH, 1, SIZE, SIZE)), b.allocate(Shape.of(BATCH)), b.allocate(Shape.of(2)));
        }

        /** One training step's forward pass and loss; returns the mean loss. */
        double forwardAndLoss(float[] pixels, float[] labelValues, long stepSeed) {
            backend.upload(pixels, x);
            backend.upload(labelValues, labels);
            backend.fill(stats, 0f);
            net.reseedDropout(stepSeed);
            Tensor logits = net.forward(x, true);
            backend.softmaxCrossEntropy(logits, labels, net.lossGradient(), stats);
            float[] s = new float[2];
            backend.download(stats, s);
            return s[0] / BATCH;
        }

        float[] logits() {
            return values(net.forward(x, false));
        }

        float[] values(Tensor t) {
            float[] v = new float[(int) t.size()];
            backend.download(t, v);
            return v;
        }
    }

    private static float[] pixels(SplittableRandom random) {
        float[] p = new float[BATCH * SIZE * SIZE];
        for (int i = 0; i < p.length; i++) p[i] = (float) random.nextDouble();
        return p;
    }

    private static float[] labels(SplittableRandom random) {
        float[] l = new float[BATCH];
        for (int i = 0; i < BATCH; i++) l[i] = random.nextInt(CLASSES);
        return l;
    }

    /** The largest difference relative to the largest reference magnitude. */
    private static double relativeError(float[] expected, float[] actual) {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) expected[i] - actual[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return Double.isNaN(maxDiff) ? Double.POSITIVE_INFINITY : maxDiff / Math.max(maxRef, 1e-30);
    }

    // tag::parity[]
    @Test
    void theSameWeightsAndBatchGiveTheSameLogitsLossAndGradients() {
        Side r = Side.on(ref), g = Side.on(gpu);
        SplittableRandom random = new SplittableRandom(7);
        float[] pixels = pixels(random), labels = labels(random);

        double lossRef = r.forwardAndLoss(pixels, labels, 11), lossGpu = g.forwardAndLoss(pixels, labels, 11);
        assertThat(lossGpu).as("mean loss").isCloseTo(lossRef, org.assertj.core.data.Percentage.withPercentage(100 * TOLERANCE));

        r.net().backward();
        g.net().backward();
        List<Parameter> pr = r.net().parameters(), pg = g.net().parameters();
        assertThat(pg).hasSameSizeAs(pr);
        for (int i = 0; i < pr.size(); i++) {
            double e = relativeError(r.values(pr.get(i).gradient()), g.values(pg.get(i).gradient()));
            System.out.printf("gradient of %-12s relative error %.2e%n", pr.get(i).name(), e);
            assertThat(e).as("gradient of " + pr.get(i).name() + " (relative to its largest value)").isLessThanOrEqualTo(TOLERANCE);
        }
        double logits = relativeError(r.logits(), g.logits());
        System.out.printf("evaluation-mode logits relative error %.2e%n", logits);
        assertThat(logits).as("evaluation-mode logits").isLessThanOrEqualTo(TOLERANCE);
    }
    // end::parity[]

    @Test
    void aFewSgdStepsTrackEachOther() {
        Side r = Side.on(ref), g = Side.on(gpu);
        SplittableRandom random = new SplittableRandom(8);
        for (int step = 0; step < 5; step++) {
            float[] pixels = pixels(random), labels = labels(random);
            double lossRef = r.forwardAndLoss(pixels, labels, 100 + step), lossGpu = g.forwardAndLoss(pixels, labels, 100 + step);
            System.out.printf("step %d: loss reference %.7f gpu %.7f%n", step, lossRef, lossGpu);
            // differences grow a little with each step's update; 1e-3 after five steps still fails on any real divergence
            assertThat(Math.abs(lossGpu - lossRef) / Math.abs(lossRef)).as("loss at step " + step).isLessThanOrEqualTo(1e-3);
            r.net().backward();
            g.net().backward();
            r.net().sgdStep(0.1f);
            g.net().sgdStep(0.1f);
        }
        List<Parameter> pr = r.net().parameters(), pg = g.net().parameters();
        for (int i = 0; i < pr.size(); i++) {
            assertThat(relativeError(r.values(pr.get(i).value()), g.values(pg.get(i).value())))
                    .as("weights " + pr.get(i).name() + " after 5 steps").isLessThanOrEqualTo(1e-3);
        }
    }
}
