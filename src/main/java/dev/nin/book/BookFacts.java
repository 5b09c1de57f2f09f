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
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import dev.nin.model.Stage;
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
                """.formatted(ParameterCount.of(nin), ParameterCount.of(alexNet),
                ComputeCost.total(nin, image), ComputeCost.total(alexNet, image), Nin.minimumInputSize(),
                Math.round((double) ParameterCount.of(alexNet) / ParameterCount.of(nin)));
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

    static String mib(long bytes) {
        return "%,.1f MiB".formatted(bytes / (1024.0 * 1024.0));
    }
}
