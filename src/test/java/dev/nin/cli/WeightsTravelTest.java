package dev.nin.cli;

import dev.nin.data.FashionMnist;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.engine.Tensor;
import dev.nin.model.Nin;
import dev.nin.model.Shape;
import dev.nin.testing.Agreement;
import dev.nin.testing.Torch;
import dev.nin.train.Checkpoint;
import dev.nin.train.Inputs;
import dev.nin.train.Network;
import dev.nin.train.Safetensors;
import dev.nin.train.TrainingConfig;
import dev.nin.train.Weights;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Weights travel to and from PyTorch: its init comes in, ./nin export goes out, and load_state_dict takes it. */
@Tag("weights")
@Tag("torch-oracle")
class WeightsTravelTest {
    @TempDir
    Path dir;

    // tag::round-trip[]
    /** PyTorch initialises and saves; we load, evaluate, checkpoint and export; PyTorch loads that and gets our logits. */
    @Test
    void weightsMakeTheRoundTripThroughPyTorch() throws Exception {
        Torch.assumeAvailable();
        int resize = 96, batch = 4;
        Path fromTorch = dir.resolve("torch-init.safetensors");
        Torch.run("init", fromTorch.toString());

        float[] ours;
        Path inputs = dir.resolve("inputs.safetensors"), run = dir.resolve("run");
        try (Backend cpu = Backends.open("cpu")) {
            Network net = new Network(cpu, Nin.spec(resize), Shape.of(1, 1, resize, resize), batch);
            Weights.into(net, Weights.readSafetensors(fromTorch, Nin.spec(resize)));
            Tensor x = new Inputs(cpu, batch, 28, 28, resize).load(randomPixels(batch * 28 * 28), new int[batch], batch);
            ours = download(cpu, net.forward(x, false));
            Safetensors.write(inputs, Map.of("input", new Safetensors.Array(x.shape(), download(cpu, x))), Map.of());
            Checkpoint.of(net, new TrainingConfig(resize, 1, 0.1, batch, 0, 0), List.of()).write(run.resolve("checkpoint.bin"));
        }
        assertThat(cli("export", "--out", run.toString())).startsWith("wrote " + run.resolve("weights.safetensors"));
        Path exported = run.resolve("weights.safetensors");

        Map<String, Safetensors.Array> before = Safetensors.read(fromTorch), after = Safetensors.read(exported);
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
        before.forEach((name, t) -> {
            assertThat(after.get(name).shape()).as(name).isEqualTo(t.shape());
            assertThat(Arrays.equals(after.get(name).values(), t.values())).as(name + ", bit for bit").isTrue();
        });

        Path answer = dir.resolve("torch-logits.safetensors");
        Torch.run("logits", exported.toString(), inputs.toString(), answer.toString());  // load_state_dict(strict=True)
        Map<String, Safetensors.Array> torch = Safetensors.read(answer);
        Agreement logits = Agreement.of("logits", ours, torch.get("f32.logits").values(), torch.get("err32.logits").values());
        System.out.println("weights round trip: " + logits);
        assertThat(logits.holds()).as(logits.toString()).isTrue();
    }
    // end::round-trip[]

    /** Weights trained in PyTorch: ./nin evaluate counts the same right answers as PyTorch on the same test images. */
    @Test
    void evaluateAgreesWithPyTorchOnWeightsTrainedThere() throws Exception {
        Torch.assumeAvailable();
        Path data = FashionMnist.defaultDirectory();
        Assumptions.assumeTrue(Files.isDirectory(data), "Fashion-MNIST is not in " + data);
        Path trained = dir.resolve("trained.safetensors");
        String json = Torch.run("train-eval", data.toString(), trained.toString(), "--resize", "72", "--steps", "60", "--limit", "500");
        int torchCorrect = field(json, "correct"), nearTies = field(json, "near_ties");

        String out = cli("evaluate", "--weights", trained.toString(), "--resize", "72", "--limit", "500", "--device", "cpu");
        Matcher m = Pattern.compile("test acc (\\d\\.\\d+) on 500 test images").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(out).as("the accuracy split by class follows").containsPattern("by class: t-shirt \\d\\.\\d\\d, trouser ");
        int ours = (int) Math.round(Double.parseDouble(m.group(1)) * 500);
        System.out.printf("evaluate: %d of 500 right here, %d in PyTorch, %d near ties there%n", ours, torchCorrect, nearTies);
        // an arg-max can differ only where PyTorch's two largest logits are within rounding of each other
        assertThat(Math.abs(ours - torchCorrect)).as(out + " vs PyTorch's " + json).isLessThanOrEqualTo(nearTies);
        assertThat(torchCorrect).as("PyTorch's short run learned something (chance is 50 of 500)").isGreaterThan(60);
    }

    @Test
    void badWeightsAreRefusedInOneLineNamingTheTensor() throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Map<String, Shape> shapes = Weights.shapes(Nin.spec(96));
        var tensors = new java.util.LinkedHashMap<String, Safetensors.Array>();
        shapes.forEach((name, s) -> tensors.put(name, new Safetensors.Array(name.equals("4.2.bias") ? Shape.of(3) : s,
                new float[name.equals("4.2.bias") ? 3 : (int) s.size()])));
        Safetensors.write(file, tensors, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(new String[]{"evaluate", "--weights", file.toString(), "--resize", "96"}, new PrintStream(out), new PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("nin evaluate: weights " + file + " are unusable: tensor 4.2.bias has shape [3], the network needs [384]"
                + System.lineSeparator());
    }

    @Test
    void exportWithoutACheckpointSaysWhereItLooked() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(new String[]{"export", "--out", dir.toString()}, new PrintStream(out), new PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("there is no checkpoint " + dir.resolve("checkpoint.bin")).hasLineCount(1);
    }

    private static String cli(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out), new PrintStream(err));
        assertThat(status).as(String.join(" ", args) + ": " + err).isZero();
        return out.toString();
    }

    private static int field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static float[] download(Backend b, Tensor t) {
        float[] v = new float[(int) t.size()];
        b.download(t, v);
        return v;
    }

    private static float[] randomPixels(int n) {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble();
        return v;
    }
}
