package dev.nin.book;

import dev.nin.model.AlexNet;
import dev.nin.model.ComputeCost;
import dev.nin.model.ComputeCost.LayerCost;
import dev.nin.model.LayerSpec;
import dev.nin.model.MemoryCost;
import dev.nin.model.MemoryCost.Breakdown;
import dev.nin.model.MemoryCost.Optimizer;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinBlock;
import dev.nin.model.NinVariants;
import dev.nin.model.NinVariants.Variant;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import dev.nin.model.Stage;
import dev.nin.train.WeightInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the code facts the book includes — shape trace, parameter, compute and memory tables — computed
 * from the model description by the build ({@code prepare-package}), so no number in the book is typed by hand.
 */
public final class BookFacts {

    private BookFacts() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/book-facts");
        Files.createDirectories(dir);
        NetworkSpec nin = Nin.spec(), alexNet = AlexNet.spec();
        Shape image = Shape.of(1, 1, Nin.CHAPTER_INPUT_SIZE, Nin.CHAPTER_INPUT_SIZE);
        Files.writeString(dir.resolve("nin-shapes.txt"), ShapeTrace.format(nin, image));
        Files.writeString(dir.resolve("nin-params.adoc"), parameterTable(nin));
        Files.writeString(dir.resolve("nin-macs.adoc"), computeTable(nin, image));
        Files.writeString(dir.resolve("memory.adoc"), memoryTable(List.of(nin, alexNet), image));
        Files.writeString(dir.resolve("nin-vs-alexnet.adoc"), comparison(List.of(nin, alexNet), image));
        Files.writeString(dir.resolve("facts.adoc"), attributes(nin, alexNet, image));
        Files.writeString(dir.resolve("exercises-variants.adoc"), variantTable(nin, NinVariants.all(), image));
        Files.writeString(dir.resolve("exercises-facts.adoc"), exerciseAttributes(nin, image));
        ArchitectureFigure.writeSvg(nin, alexNet, image, dir.resolve("nin-architecture.svg"));
        Path results = Path.of(args.length > 1 ? args[1] : "docs/results");
        Files.writeString(dir.resolve("exercises-memory.adoc"), ExerciseMemory.table(nin, results));
        Files.writeString(dir.resolve("exercises-memory-facts.adoc"), ExerciseMemory.attributes(nin, results));
        Files.writeString(dir.resolve("exercises-variant-runs.adoc"), VariantRuns.table(VariantRuns.read(results)));
        List<TuningRuns.Row> tuning = TuningRuns.read(results);
        Files.writeString(dir.resolve("exercises-tuning.adoc"), TuningRuns.table(tuning));
        Files.writeString(dir.resolve("exercises-tuning-facts.adoc"), TuningRuns.attributes(tuning));
        Files.writeString(dir.resolve("performance-profiles.adoc"), OpProfiles.table(OpProfiles.read(results)));
    }

    /** Numbers the prose refers to, as AsciiDoc attributes ({nin-params} and so on). */
    static String attributes(NetworkSpec nin, NetworkSpec alexNet, Shape image) {
        return """
                :nin-params: %,d
                :alexnet-params: %,d
                :nin-macs: %,d
                :alexnet-macs: %,d
                :nin-min-input: %d
                :alexnet-over-nin-params: %d
                :class-layer-bias: %s
                """.formatted(ParameterCount.of(nin), ParameterCount.of(alexNet),
                ComputeCost.total(nin, image), ComputeCost.total(alexNet, image), Nin.minimumInputSize(),
                Math.round((double) ParameterCount.of(alexNet) / ParameterCount.of(nin)), WeightInit.CLASS_LAYER_BIAS);
    }

    static String parameterTable(NetworkSpec net) {
        StringBuilder sb = new StringBuilder("[cols=\"1,3,>1\",options=\"header\"]\n|===\n|Stage |Layer |Parameters\n");
        int index = 0;
        for (Stage stage : net.stages()) {
            index++;
            if (ParameterCount.of(stage) == 0) continue;
            for (LayerSpec layer : stage.layers()) {
                long n = ParameterCount.of(layer);
                if (n > 0) sb.append("|%d. %s |%s |%,d%n".formatted(index, stage.name(), layer.label(), n));
            }
            sb.append("2+|*%d. %s, whole block* >|*%,d*%n".formatted(index, stage.name(), ParameterCount.of(stage)));
        }
        sb.append("2+|*%s total* >|*%,d*%n|===%n".formatted(net.name(), ParameterCount.of(net)));
        return sb.toString();
    }

    static String computeTable(NetworkSpec net, Shape input) {
        StringBuilder sb = new StringBuilder("[cols=\"1,3,2,>2\",options=\"header\"]\n|===\n|Stage |Layer |Output |MACs\n");
        for (LayerCost c : ComputeCost.perLayer(net, input)) {
            if (c.macs() > 0) sb.append("|%s |%s |%s |%,d%n".formatted(c.stage(), c.layer().label(), c.output(), c.macs()));
        }
        sb.append("3+|*%s total for one %s image* >|*%,d*%n|===%n".formatted(net.name(), input, ComputeCost.total(net, input)));
        return sb.toString();
    }

    static String memoryTable(List<NetworkSpec> nets, Shape image) {
        StringBuilder sb = new StringBuilder("""
                .Prediction
                [cols="1,>1,>2,>2,>2",options="header"]
                |===
                |Network |Batch |Parameters |Peak of live activations |Total
                """);
        for (NetworkSpec net : nets) {
            for (int batch : MemoryCost.BATCH_SIZES) {
                Breakdown p = MemoryCost.prediction(net, image.withBatch(batch));
                sb.append("|%s |%d |%s |%s |%s%n".formatted(net.name(), batch, mib(p.parameters()), mib(p.activations()), mib(p.total())));
            }
        }
        sb.append("""
                |===

                .Training with plain SGD (the chapter's optimizer: no state)
                [cols="1,>1,>2,>2,>2,>2,>2",options="header"]
                |===
                |Network |Batch |Parameters |Gradients |Optimizer state |Activations kept for backward |Total
                """);
        for (NetworkSpec net : nets) {
            for (int batch : MemoryCost.BATCH_SIZES) {
                Breakdown t = MemoryCost.training(net, image.withBatch(batch), Optimizer.SGD);
                sb.append("|%s |%d |%s |%s |%s |%s |%s%n".formatted(net.name(), batch, mib(t.parameters()),
                        mib(t.gradients()), mib(t.optimizerState()), mib(t.activations()), mib(t.total())));
            }
        }
        return sb.append("|===\n").toString();
    }

    static String comparison(List<NetworkSpec> nets, Shape image) {
        StringBuilder sb = new StringBuilder("""
                [cols="1,>2,>2,>2,>2",options="header"]
                |===
                |Network |Parameters |MACs for one image |Prediction memory, batch 1 |Training memory, batch 128 (SGD)
                """);
        for (NetworkSpec net : nets) {
            sb.append("|%s |%,d |%,d |%s |%s%n".formatted(net.name(), ParameterCount.of(net), ComputeCost.total(net, image),
                    mib(MemoryCost.prediction(net, image).total()),
                    mib(MemoryCost.training(net, image.withBatch(128), Optimizer.SGD).total())));
        }
        return sb.append("|===\n").toString();
    }

    /** Each exercise variant beside NiN: parameters, MACs and memory, and how far each is from NiN's. */
    static String variantTable(NetworkSpec nin, List<Variant> variants, Shape image) {
        Shape batch = image.withBatch(VARIANT_BATCH);
        StringBuilder sb = new StringBuilder("""
                [cols="3,>2,>3,>2,>2",options="header"]
                |===
                |Network (exercise): change |Parameters |MACs for one image |Prediction memory, batch %1$d |Training memory, batch %1$d (SGD)
                """.formatted(VARIANT_BATCH));
        long params = ParameterCount.of(nin), macs = ComputeCost.total(nin, image);
        long prediction = MemoryCost.prediction(nin, batch).total(), training = MemoryCost.training(nin, batch, Optimizer.SGD).total();
        sb.append("|%s (the chapter's) |%,d |%,d |%s |%s%n".formatted(nin.name(), params, macs, mib(prediction), mib(training)));
        for (Variant v : variants) {
            NetworkSpec net = v.spec();
            long p = ParameterCount.of(net), m = ComputeCost.total(net, image);
            long pr = MemoryCost.prediction(net, batch).total(), tr = MemoryCost.training(net, batch, Optimizer.SGD).total();
            sb.append("|%s (%d): %s |%,d (%s) |%,d (%s) |%s (%s) |%s (%s)%n".formatted(net.name(), v.exercise(), v.change(),
                    p, signed(p - params), m, signed(m - macs), mib(pr), signedMib(pr - prediction), mib(tr), signedMib(tr - training)));
        }
        return sb.append("|===\n").toString();
    }

    /** The batch size of the variants' memory columns: the chapter's. */
    static final int VARIANT_BATCH = 128;

    /** Numbers the exercises chapter's prose refers to. */
    static String exerciseAttributes(NetworkSpec nin, Shape image) {
        List<Stage> blocks = nin.stages().stream().filter(s -> s.name().equals(NinBlock.NAME)).toList();
        Stage last = blocks.getLast(), beforeLast = blocks.get(blocks.size() - 2);
        long lastConv = ParameterCount.of(last.layers().getFirst());
        NetworkSpec fewer = NinVariants.oneOneByOnePerBlock(nin);
        Stage oneByOneHead = NinVariants.oneByOneHead(nin).stages().stream().filter(s -> s.name().equals(NinVariants.HEAD)).findFirst().orElseThrow();
        long macs = ComputeCost.total(nin, image);
        return """
                :nin-flops: %,d
                :nin-gflops: %.2f
                :ex-fewer-params: %,d
                :ex-fewer-macs: %,d
                :ex-fewer-macs-percent: %.0f
                :ex-last-block-params: %,d
                :ex-last-conv-params: %,d
                :ex-last-one-by-ones-params: %,d
                :ex-third-block-params: %,d
                :ex-one-by-one-head-params: %,d
                :ex-batch: %d
                """.formatted(2 * macs, 2 * macs / 1e9,
                ParameterCount.of(nin) - ParameterCount.of(fewer), macs - ComputeCost.total(fewer, image),
                100.0 * (macs - ComputeCost.total(fewer, image)) / macs,
                ParameterCount.of(last), lastConv, ParameterCount.of(last) - lastConv, ParameterCount.of(beforeLast),
                ParameterCount.of(oneByOneHead), VARIANT_BATCH);
    }

    static String signed(long n) {
        return n == 0 ? "±0" : "%+,d".formatted(n).replace('-', '−');
    }

    /** A memory difference in the largest unit that keeps it at least 1, so 880 bytes do not print as "0.0 MiB". */
    static String signedMib(long bytes) {
        long size = Math.abs(bytes);
        String text = bytes == 0 ? "±0"
                : size >= 1 << 20 ? "%+,.1f MiB".formatted(bytes / (1024.0 * 1024.0))
                : size >= 1 << 10 ? "%+,.1f KiB".formatted(bytes / 1024.0)
                : "%+,d bytes".formatted(bytes);
        return text.replace('-', '−');
    }

    static String mib(long bytes) {
        return "%,.1f MiB".formatted(bytes / (1024.0 * 1024.0));
    }
}
