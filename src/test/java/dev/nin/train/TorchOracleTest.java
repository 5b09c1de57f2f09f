package dev.nin.train;

import dev.nin.data.Batch;
import dev.nin.data.Batches;
import dev.nin.data.FashionMnist;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.Shape;
import dev.nin.model.Stage;
import dev.nin.testing.Agreement;
import dev.nin.testing.CurveAgreement;
import dev.nin.testing.Torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PyTorch as the oracle: code nobody here wrote. With the same weights, inputs and dropout mask, the CPU engine
 * and PyTorch (scripts/torch_oracle.py) give the same logits, loss and gradient of every parameter of the
 * chapter's NiN, and 50 SGD steps from the same start on the same batches follow PyTorch's loss curve; "the
 * same" as {@link Agreement} says, from float32 rounding. The measured distances go to the book's appendix.
 */
@Tag("training")
@Tag("torch-oracle")
class TorchOracleTest {
    static final long SEED = 7;
    @TempDir
    Path dir;

    @BeforeAll
    static void pytorch() throws IOException {
        OracleReport.skipped(Torch.missing());  // the appendix says so when the oracle could not run
        Torch.assumeAvailable();
    }

    // tag::one-step[]
    /** One training step of the chapter's NiN here and in PyTorch: logits, mean loss, every parameter's gradient. */
    @ParameterizedTest(name = "resize {0}, batch {1}, dropout {2}")
    @CsvSource({"96, 4, off", "96, 4, on", "224, 2, off", "224, 2, on"})
    void oneStepMatchesPyTorch(int resize, int batch, String dropout) throws Exception {
        try (Backend cpu = Backends.open("cpu")) {
            NetworkSpec spec = dropout.equals("on") ? Nin.spec(resize) : withoutDropout(Nin.spec(resize));
            Network net = new Network(cpu, spec, Shape.of(1, 1, resize, resize), batch);
            net.initialize(SEED, WeightInit.KAIMING);
            Map<String, Safetensors.Array> toTorch = parameters(net);  // before the step changes nothing: no SGD here

            Inputs inputs = new Inputs(cpu, batch, 28, 28, resize);
            Tensor x = inputs.load(randomPixels(batch * 28 * 28), randomLabels(batch), batch);
            net.reseedDropout(Seeds.dropout(SEED, 1, 0));
            Tensor out = net.forward(x, true);
            float[] logits = download(cpu, out);
            Tensor stats = cpu.allocate(Shape.of(2));
            cpu.softmaxCrossEntropy(out, inputs.labels(), net.lossGradient(), stats);
            net.backward();

            toTorch.put("input", new Safetensors.Array(x.shape(), download(cpu, x)));
            toTorch.put("labels", new Safetensors.Array(Shape.of(batch), download(cpu, inputs.labels())));
            if (dropout.equals("on")) toTorch.put("mask", dropoutMask(net));  // the engine's own mask, as it dropped
            Map<String, Safetensors.Array> torch = ask("grads", toTorch);

            List<Agreement> checks = new ArrayList<>();
            checks.add(agreement("logits", logits, torch));
            checks.add(agreement("loss", new float[]{download(cpu, stats)[0] / batch}, torch));
            for (Parameter p : net.parameters()) checks.add(agreement("grad." + p.name(), download(cpu, p.gradient()), torch));
            report(cpu, "one step, resize " + resize + ", batch " + batch + ", dropout " + dropout, checks);
            for (Agreement a : checks) assertThat(a.holds()).as(a.toString()).isTrue();
        }
    }
    // end::one-step[]

    // tag::sgd[]
    /**
     * 50 steps of plain SGD (lr 0.01, batch 4, resize 72, dropout on with the engine's masks) from the same start on the
     * same Fashion-MNIST batches: PyTorch's loss curve, within PyTorch's own spread (see {@link CurveAgreement}).
     */
    @Test
    void fiftySgdStepsFollowPyTorchsLossCurve() throws Exception {
        CurveAgreement curve = fiftyStepsAgainstPyTorch(0.01f, 0, 0);
        assertThat(curve.holds()).as(curve.toString()).isTrue();
    }

    /** The same with momentum 0.9 and weight decay 5e-4 (the usual values), at lr 0.002 for a similar effective step. */
    @Test
    void fiftyMomentumStepsFollowPyTorchsLossCurve() throws Exception {
        CurveAgreement curve = fiftyStepsAgainstPyTorch(0.002f, 0.9, 0.0005);
        assertThat(curve.holds()).as(curve.toString()).isTrue();
    }

    /**
     * The default's optimizer: momentum 0.9 and the gradients' norm clipped (here at 0.5, below most steps' norm at
     * this batch, so nearly every step is clipped) against torch.nn.utils.clip_grad_norm_ before torch's step.
     */
    @Test
    void fiftyClippedMomentumStepsFollowPyTorchsLossCurve() throws Exception {
        CurveAgreement curve = fiftyStepsAgainstPyTorch(0.02f, 0.9, 0, 0.5);
        assertThat(curve.holds()).as(curve.toString()).isTrue();
    }

    private CurveAgreement fiftyStepsAgainstPyTorch(float lr, double momentum, double weightDecay) throws Exception {
        return fiftyStepsAgainstPyTorch(lr, momentum, weightDecay, 0);
    }

    private CurveAgreement fiftyStepsAgainstPyTorch(float lr, double momentum, double weightDecay, double clipNorm) throws Exception {
        int steps = 50, batch = 4, resize = 72;
        Images train = trainingImages(steps * batch);
        try (Backend cpu = Backends.open("cpu")) {
            Network net = new Network(cpu, Nin.spec(resize), Shape.of(1, 1, resize, resize), batch);
            net.initialize(SEED, WeightInit.KAIMING);
            Map<String, Safetensors.Array> toTorch = parameters(net);
            Inputs inputs = new Inputs(cpu, batch, train.height(), train.width(), resize);
            Tensor stats = cpu.allocate(Shape.of(2));
            Sgd sgd = new Sgd(net, momentum, weightDecay, clipNorm);
            float[] losses = new float[steps], xs = null, labels = new float[steps * batch], masks = null;
            Shape maskShape = null;
            int step = 0;
            for (Batch b : Batches.of(train, batch, SEED, 1)) {
                Tensor x = inputs.load(b.pixels(), b.labels(), b.size());
                net.reseedDropout(Seeds.dropout(SEED, 1, step));
                Tensor logits = net.forward(x, true);
                cpu.fill(stats, 0);
                cpu.softmaxCrossEntropy(logits, inputs.labels(), net.lossGradient(), stats);
                net.backward();
                sgd.step(lr);
                losses[step] = download(cpu, stats)[0] / batch;
                Safetensors.Array mask = dropoutMask(net);
                if (xs == null) {
                    xs = new float[steps * (int) x.size()];
                    maskShape = mask.shape();
                    masks = new float[steps * mask.values().length];
                }
                System.arraycopy(download(cpu, x), 0, xs, step * (int) x.size(), (int) x.size());
                System.arraycopy(download(cpu, inputs.labels()), 0, labels, step * batch, batch);
                System.arraycopy(mask.values(), 0, masks, step * mask.values().length, mask.values().length);
                step++;
            }
            toTorch.put("input", new Safetensors.Array(Shape.of(steps, batch, 1, resize, resize), xs));
            toTorch.put("labels", new Safetensors.Array(Shape.of(steps, batch), labels));
            toTorch.put("mask", new Safetensors.Array(prepend(steps, maskShape), masks));
            Map<String, Safetensors.Array> torch = ask("sgd", toTorch, "--lr", Float.toString(lr),
                    "--momentum", Double.toString(momentum), "--weight-decay", Double.toString(weightDecay), "--clip-norm", Double.toString(clipNorm));
            if (clipNorm > 0) assertThat(sgd.clippedSteps()).as("steps clipped at %s", clipNorm).isGreaterThan(steps / 2);

            CurveAgreement curve = CurveAgreement.of(losses, torch.get("f32.loss").values(), torch.get("spread.loss").values());
            String optimizer = (sgd.isPlain() ? "" : String.format(java.util.Locale.ROOT, ", momentum %s, weight decay %s",
                    java.math.BigDecimal.valueOf(momentum).stripTrailingZeros().toPlainString(),
                    java.math.BigDecimal.valueOf(weightDecay).stripTrailingZeros().toPlainString()))
                    + (clipNorm > 0 ? ", gradient norm clipped at " + clipNorm + " (" + sgd.clippedSteps() + " of " + steps + " steps)" : "");
            System.out.println("torch oracle, SGD" + optimizer + ": " + curve);
            OracleReport.add(cpu.device(), "50 SGD steps, resize 72, batch 4, lr " + lr + optimizer + ", dropout on", curve);
            return curve;
        }
    }

    // tag::momentum-updates[]
    /**
     * The optimizer alone against torch.optim.SGD(momentum=0.9, weight_decay=5e-4): 20 updates of a convolution's
     * weights and biases from the same start with the same gradients, our CPU engine's result against PyTorch's
     * float32 and float64 ones ({@link Agreement}): a dampened, Nesterov or decoupled-decay update would be off by
     * far more than rounding from the first step.
     */
    @Test
    void momentumUpdatesMatchTorchOptimSgd() throws Exception {
        int steps = 20;
        float lr = 0.05f, momentum = 0.9f, weightDecay = 5e-4f;
        Map<String, Shape> shapes = new LinkedHashMap<>();  // in a fixed order, so every run draws the same numbers
        shapes.put("0.0.weight", Shape.of(8, 3, 3, 3));
        shapes.put("0.0.bias", Shape.of(8));
        SplittableRandom random = new SplittableRandom(SEED);
        Map<String, Safetensors.Array> toTorch = new LinkedHashMap<>();
        Map<String, float[][]> gradients = new LinkedHashMap<>();
        try (Backend cpu = Backends.open("cpu")) {
            Map<String, Tensor[]> ours = new LinkedHashMap<>();  // value, gradient, velocity
            for (var e : shapes.entrySet()) {
                int n = (int) e.getValue().size();
                float[] w = gaussian(random, n, 1);
                float[][] g = new float[steps][];
                float[] all = new float[steps * n];
                for (int s = 0; s < steps; s++) {
                    g[s] = gaussian(random, n, 0.1);
                    System.arraycopy(g[s], 0, all, s * n, n);
                }
                gradients.put(e.getKey(), g);
                toTorch.put(e.getKey(), new Safetensors.Array(e.getValue(), w));
                toTorch.put("grad." + e.getKey(), new Safetensors.Array(prepend(steps, e.getValue()), all));
                Tensor value = cpu.allocate(e.getValue());
                cpu.upload(w, value);
                ours.put(e.getKey(), new Tensor[]{value, cpu.allocate(e.getValue()), cpu.allocate(e.getValue())});
            }
            for (int s = 0; s < steps; s++) {
                for (var e : ours.entrySet()) {
                    Tensor[] t = e.getValue();
                    cpu.upload(gradients.get(e.getKey())[s], t[1]);
                    cpu.sgdMomentumStep(t[0], t[1], t[2], lr, momentum, weightDecay);
                }
            }
            Map<String, Safetensors.Array> torch = ask("updates", toTorch, "--lr", Float.toString(lr),
                    "--momentum", Float.toString(momentum), "--weight-decay", Float.toString(weightDecay));
            for (var e : ours.entrySet()) {
                for (String what : new String[]{"", "velocity."}) {
                    String name = what + e.getKey();
                    Agreement a = agreement(name, download(cpu, e.getValue()[what.isEmpty() ? 0 : 2]), torch);
                    System.out.println("torch oracle, momentum updates: " + a);
                    assertThat(a.holds()).as(a.toString()).isTrue();
                }
            }
        }
    }

    private static float[] gaussian(SplittableRandom random, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (sd * random.nextGaussian());
        return v;
    }
    // end::momentum-updates[]
    // end::sgd[]

    /** The chapter's NiN with dropout's p set to 0: its mask is all ones, the identity, in training mode too. */
    static NetworkSpec withoutDropout(NetworkSpec spec) {
        List<Stage> stages = new ArrayList<>();
        for (Stage s : spec.stages()) {
            stages.add(s.layers().getFirst() instanceof LayerSpec.Dropout ? Stage.of(new LayerSpec.Dropout(0)) : s);
        }
        return new NetworkSpec(spec.name(), stages);
    }

    private static Map<String, Safetensors.Array> parameters(Network net) {
        Map<String, Safetensors.Array> tensors = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) tensors.put(p.name(), new Safetensors.Array(p.value().shape(), download(net.backend(), p.value())));
        return tensors;
    }

    private static Safetensors.Array dropoutMask(Network net) {
        for (Layer l : net.layers()) {
            if (l instanceof Dropout d) return new Safetensors.Array(d.mask().shape(), download(net.backend(), d.mask()));
        }
        throw new AssertionError("the network has no dropout layer");
    }

    private Map<String, Safetensors.Array> ask(String what, Map<String, Safetensors.Array> toTorch, String... more) throws IOException, InterruptedException {
        Path in = dir.resolve(what + "-case.safetensors"), out = dir.resolve(what + "-torch.safetensors");
        Safetensors.write(in, toTorch, Map.of());
        List<String> args = new ArrayList<>(List.of(what, in.toString(), out.toString()));
        args.addAll(List.of(more));
        Torch.run(args.toArray(String[]::new));
        return Safetensors.read(out);
    }

    private static Agreement agreement(String name, float[] ours, Map<String, Safetensors.Array> torch) {
        Safetensors.Array t32 = torch.get("f32." + name), err = torch.get("err32." + name);
        if (t32 == null || err == null) throw new AssertionError("PyTorch's answer has no " + name + "; it has " + torch.keySet());
        return Agreement.of(name, ours, t32.values(), err.values());
    }

    static float[] download(Backend b, Tensor t) {
        float[] v = new float[(int) t.size()];
        b.download(t, v);
        return v;
    }

    private static Shape prepend(int n, Shape s) {
        int[] d = new int[s.rank() + 1];
        d[0] = n;
        System.arraycopy(s.dims(), 0, d, 1, s.rank());
        return Shape.of(d);
    }

    private static float[] randomPixels(int n) {
        SplittableRandom r = new SplittableRandom(SEED);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble();
        return v;
    }

    private static int[] randomLabels(int n) {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(10);
        return v;
    }

    private static Images trainingImages(int n) throws IOException {
        Path data = FashionMnist.defaultDirectory();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(data), "Fashion-MNIST is not in " + data + "; the SGD curve test needs its first " + n + " training images");
        return FashionMnist.load(data).train().limit(n);
    }

    private static void report(Backend cpu, String title, List<Agreement> checks) {
        for (Agreement a : checks) System.out.println("torch oracle, " + title + ": " + a);
        OracleReport.add(cpu.device(), title, checks);
    }

    @AfterAll
    static void writeReport() throws IOException {
        OracleReport.write();
    }
}
