package dev.nin.book;

import dev.nin.model.BackwardMemory;
import dev.nin.model.BackwardMemory.Array;
import dev.nin.model.MemoryCost;
import dev.nin.model.MemoryCost.Optimizer;
import dev.nin.model.NetworkSpec;
import dev.nin.model.NinVariants;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.train.record.RunRecords;
import dev.nin.train.record.SavedTensorsRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exercise 3's training memory, counted three ways at the chapter's batch and resize: the book's model (every
 * layer's output), what PyTorch's autograd saves (the model beside the committed measurement), and what this
 * project's engine allocates. Exercise 2's saving follows from the same counts.
 */
final class ExerciseMemory {

    static final int BATCH = 128, RESIZE = 224;
    static final String RECORD = "memory/torch-saved-tensors-b128-r224.json";

    private ExerciseMemory() {
    }

    static Shape input() {
        return Shape.of(BATCH, 1, RESIZE, RESIZE);
    }

    static SavedTensorsRecord record(Path results) throws IOException {
        Path file = results.resolve(RECORD);
        return Files.exists(file) ? RunRecords.read(file, SavedTensorsRecord.class) : null;
    }

    /** The three counts side by side, then PyTorch's arrays grouped by what they are. */
    static String table(NetworkSpec nin, Path results) throws IOException {
        Shape x = input();
        long params = ParameterCount.of(nin) * MemoryCost.BYTES_PER_FLOAT;
        long everyOutput = MemoryCost.training(nin, x, Optimizer.SGD).activations();
        List<Array> torch = BackwardMemory.pytorch(nin, x), engine = BackwardMemory.fusedEngine(nin, x);
        SavedTensorsRecord measured = record(results);
        long engineActivations = BackwardMemory.activationBytes(engine);
        long engineGradientBuffers = engine.stream().filter(a -> a.layer().equals("backward")).mapToLong(Array::bytes).sum();
        StringBuilder sb = new StringBuilder("""
                .Training memory of one step at batch %d, resize %d, float32
                [cols="3,>2,>2,>2",options="header"]
                |===
                |Counted how |Kept for backward |Parameters and their gradients |Total
                """.formatted(BATCH, RESIZE));
        sb.append("|The book's model: the input and every layer's output (xref:counting.adoc[Counting]) |%s |%s |%s%n"
                .formatted(BookFacts.mib(everyOutput), BookFacts.mib(2 * params), BookFacts.mib(everyOutput + 2 * params)));
        sb.append("|PyTorch's autograd, counted by `BackwardMemory.pytorch` |%s |%s |%s%n"
                .formatted(BookFacts.mib(BackwardMemory.bytes(torch)), BookFacts.mib(2 * params), BookFacts.mib(BackwardMemory.bytes(torch) + 2 * params)));
        sb.append(measured == null ? "|PyTorch's autograd, measured: no record yet in `docs/results/%s` 3+| %n".formatted(RECORD)
                : "|PyTorch %s's autograd, measured (saved-tensor hooks, `docs/results/%s`) |%s |%s |%s%n".formatted(
                measured.provenance().get("torch"), RECORD, BookFacts.mib(measured.savedActivationBytes()),
                BookFacts.mib(measured.parameterBytes() * 2), BookFacts.mib(measured.savedActivationBytes() + 2 * measured.parameterBytes())));
        sb.append("|This project's engine, allocated (`BackwardMemory.fusedEngine`, checked against `Network`): outputs and dropout's mask, "
                + "then the two activation-gradient buffers |%s + %s |%s |%s%n".formatted(BookFacts.mib(engineActivations),
                BookFacts.mib(engineGradientBuffers), BookFacts.mib(2 * params), BookFacts.mib(BackwardMemory.bytes(engine))));
        sb.append("|===\n\n");

        Map<String, Long> byWhat = new LinkedHashMap<>();
        for (Array a : torch) byWhat.merge(group(a), a.bytes(), Long::sum);
        sb.append("""
                .What PyTorch's autograd keeps at batch %d, resize %d
                [cols="4,>1",options="header"]
                |===
                |Arrays |Bytes
                """.formatted(BATCH, RESIZE));
        byWhat.forEach((what, bytes) -> sb.append("|%s |%s%n".formatted(what, size(bytes))));
        return sb.append("|===\n").toString();
    }

    /** The row of PyTorch's table an array belongs to. */
    private static String group(Array a) {
        if (a.layer().equals("loss")) return "the loss: log-softmax's output, the labels (int64), the class weights' sum";
        if (a.what().startsWith("its output")) return "every ReLU's output (also what the next convolution or pooling reads)";
        if (a.what().startsWith("its input") && a.layer().startsWith("1. ")) return "the input batch (the first convolution's input)";
        if (a.what().startsWith("its input")) return "a convolution's input after max pooling or dropout";
        if (a.what().startsWith("the index")) return "max pooling: the index of each window's maximum (int64, 8 bytes each)";
        if (a.what().startsWith("its noise")) return "dropout: its noise, 0 or 1/(1−p) per element (float32 on the CPU)";
        return a.layer() + ": " + a.what();
    }

    /** MiB, or KiB for what would print as 0.0 MiB. */
    static String size(long bytes) {
        return bytes >= 1 << 20 ? BookFacts.mib(bytes) : "%,.1f KiB".formatted(bytes / 1024.0);
    }

    /** Numbers the prose of exercises 2 and 3 refers to. */
    static String attributes(NetworkSpec nin, Path results) throws IOException {
        Shape x = input();
        NetworkSpec fewer = NinVariants.oneOneByOnePerBlock(nin);
        long everyOutput = MemoryCost.training(nin, x, Optimizer.SGD).activations();
        long torch = BackwardMemory.bytes(BackwardMemory.pytorch(nin, x));
        long indices = BackwardMemory.pytorch(nin, x).stream().filter(a -> a.what().startsWith("the index")).mapToLong(Array::bytes).sum();
        long noise = BackwardMemory.pytorch(nin, x).stream().filter(a -> a.what().startsWith("its noise")).mapToLong(Array::bytes).sum();
        long engineActivations = BackwardMemory.activationBytes(BackwardMemory.fusedEngine(nin, x));
        long savedBook = MemoryCost.training(nin, x, Optimizer.SGD).total() - MemoryCost.training(fewer, x, Optimizer.SGD).total();
        long paramsSaved = 2 * (ParameterCount.of(nin) - ParameterCount.of(fewer)) * MemoryCost.BYTES_PER_FLOAT;
        long savedTorch = torch - BackwardMemory.bytes(BackwardMemory.pytorch(fewer, x)) + paramsSaved;
        long savedEngine = BackwardMemory.bytes(BackwardMemory.fusedEngine(nin, x)) - BackwardMemory.bytes(BackwardMemory.fusedEngine(fewer, x));
        SavedTensorsRecord measured = record(results);
        return """
                :ex3-batch: %d
                :ex3-resize: %d
                :ex3-every-output: %s
                :ex3-torch-saved: %s
                :ex3-torch-saved-bytes: %,d
                :ex3-torch-measured-bytes: %s
                :ex3-torch-version: %s
                :ex3-torch-date: %s
                :ex3-torch-machine: %s
                :ex3-pool-indices: %s
                :ex3-dropout-noise: %s
                :ex3-engine-activations: %s
                :ex3-torch-percent: %.0f
                :ex2-saved-book: %s
                :ex2-saved-torch: %s
                :ex2-saved-engine: %s
                """.formatted(BATCH, RESIZE, BookFacts.mib(everyOutput), BookFacts.mib(torch), torch,
                measured == null ? "not measured yet" : "%,d".formatted(measured.savedActivationBytes()),
                measured == null ? "?" : measured.provenance().get("torch"),
                measured == null ? "?" : measured.provenance().get("date"),
                measured == null ? "?" : measured.provenance().get("cores") + " cores, " + measured.provenance().get("cpu"),
                BookFacts.mib(indices), BookFacts.mib(noise), BookFacts.mib(engineActivations), 100.0 * torch / everyOutput,
                BookFacts.mib(savedBook), BookFacts.mib(savedTorch), BookFacts.mib(savedEngine));
    }
}
