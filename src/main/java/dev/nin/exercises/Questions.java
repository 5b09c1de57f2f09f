package dev.nin.exercises;

import dev.nin.exercises.Question.Mistake;
import dev.nin.model.AlexNet;
import dev.nin.model.BackwardMemory;
import dev.nin.model.ComputeCost;
import dev.nin.model.LayerSpec;
import dev.nin.model.MemoryCost;
import dev.nin.model.MemoryCost.Optimizer;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinBlock;
import dev.nin.model.NinVariants;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import dev.nin.model.Stage;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The questions of the answers file, in the order of the book. Every expected value is computed here from
 * the model's counting classes, the shape trace or a committed run record, so a change to the network
 * changes the answers with it.
 */
public final class Questions {

    /** The chapter's batch size and image: the memory questions are about them. */
    static final int BATCH = 128;
    static final Shape IMAGE = Shape.of(1, 1, Nin.CHAPTER_INPUT_SIZE, Nin.CHAPTER_INPUT_SIZE);
    /** The committed record of {@code ./nin train} with no flags, whose result exercise 1 asks for. */
    public static final String QUICK_RECORD = "docs/results/cpu/tuning/default-s0.json";

    private static final String PARAMETERS = "the counting chapter, Parameters: a convolution holds k·k·C_in·C_out weights plus C_out biases";
    private static final String COMPUTE = "the counting chapter, Compute: each output value of a convolution is a dot product of length C_in·k·k";
    private static final String MEMORY = "the counting chapter, Memory";
    private static final String SHAPES = "the NiN model chapter, The shape trace: a convolution's output side is ⌊(n + 2p − k)/s⌋ + 1, a pooling's ⌊(n − k)/s⌋ + 1";

    private Questions() {
    }

    /** Every question, for the repository's root (where {@code docs/results/} is). */
    public static List<Question> all(Path root) {
        NetworkSpec nin = Nin.spec();
        List<Stage> blocks = nin.stages().stream().filter(s -> s.name().equals(NinBlock.NAME)).toList();
        NetworkSpec fewer = NinVariants.oneOneByOnePerBlock(nin);
        Shape batch = IMAGE.withBatch(BATCH);
        List<Question> qs = new ArrayList<>();

        qs.add(Question.number("params.total", "3", "How many learnable parameters does the chapter's NiN have in total?",
                Form.COUNT, "parameters", () -> ParameterCount.of(nin), Tolerance.toTheDigitsWritten(),
                "see " + PARAMETERS + "; add up the four NiN blocks (pooling, dropout and global pooling learn nothing)",
                new Mistake(() -> weightsOnly(nin), "that is the weights alone: each convolution also has one bias per output channel")));
        for (int b = 0; b < blocks.size(); b++) {
            Stage block = blocks.get(b);
            LayerSpec.Conv2d c = (LayerSpec.Conv2d) block.layers().getFirst();
            qs.add(Question.number("params.block" + (b + 1), "3",
                    "How many parameters does NiN block %d (%d → %d channels, %d×%d kernel) hold, its two 1×1 convolutions included?"
                            .formatted(b + 1, c.inChannels(), c.outChannels(), c.kernel(), c.kernel()),
                    Form.COUNT, "parameters", () -> ParameterCount.of(block), Tolerance.toTheDigitsWritten(),
                    "see " + PARAMETERS + "; a 1×1 convolution from C to C channels holds C·C + C",
                    new Mistake(() -> weightsOnly(block), "that is the weights alone: each convolution also has one bias per output channel"),
                    new Mistake(() -> ParameterCount.of(block.layers().getFirst()), "that is the block's first convolution alone: add its two 1×1 convolutions")));
        }
        qs.add(Question.number("params.alexnet.ratio", "3", "How many times as many parameters as NiN does AlexNet (the chapter before) have?",
                Form.NUMBER, "", () -> (double) ParameterCount.of(AlexNet.spec()) / ParameterCount.of(nin), Tolerance.relative(0.05),
                "see the counting chapter, NiN against AlexNet: nearly all of AlexNet's parameters sit in its dense layers, which NiN replaces by global average pooling"));
        qs.add(Question.number("macs.image", "3", "How many multiply-accumulates (MACs) does one forward pass of a 1×1×224×224 image take?",
                Form.COUNT, "MACs", () -> ComputeCost.total(nin, IMAGE), Tolerance.toTheDigitsWritten(),
                "see " + COMPUTE + ", for each of the output's C·H·W values",
                new Mistake(() -> 2.0 * ComputeCost.total(nin, IMAGE), "that is the number of FLOPs: one MAC is one multiplication and one addition")));
        qs.add(Question.number("flops.image", "3", "How many floating-point operations (FLOPs) is that forward pass, counting a MAC as two?",
                Form.COUNT, "FLOPs", () -> 2.0 * ComputeCost.total(nin, IMAGE), Tolerance.toTheDigitsWritten(),
                "see the counting chapter, Compute: FLOPs = 2 · MACs",
                new Mistake(() -> ComputeCost.total(nin, IMAGE), "that is the number of MACs: a MAC is two FLOPs, a multiplication and an addition")));
        qs.add(Question.number("memory.predict.b1", "3",
                "How much memory does predicting one 1×1×224×224 image need: the float32 parameters plus the largest input and output alive at once?",
                Form.BYTES, "", () -> MemoryCost.prediction(nin, IMAGE).total(), Tolerance.relative(0.02),
                "see " + MEMORY + ": prediction keeps the weights and, at the peak, one layer's input and output",
                new Mistake(() -> MemoryCost.prediction(nin, IMAGE).activations(), "that is the activations alone: the parameters are in memory too"),
                new Mistake(() -> MemoryCost.prediction(nin, IMAGE).parameters(), "that is the parameters alone: add the largest input and output alive at once")));
        qs.add(Question.number("memory.saved.torch.b128", "3",
                "How much does PyTorch's autograd save for the backward pass of one training step at batch 128 and resize 224 "
                        + "(d2l's nn.Sequential on the CPU, with nn.CrossEntropyLoss; each array once; parameters not counted)?",
                Form.BYTES, "", () -> BackwardMemory.bytes(BackwardMemory.pytorch(nin, batch)), Tolerance.relative(0.02),
                "see the exercises chapter, Exercise 3: list what each operation's backward reads; a convolution reads its input, "
                        + "a ReLU its output (the same array), max pooling also keeps where each maximum was, dropout its noise",
                new Mistake(() -> MemoryCost.training(nin, batch, Optimizer.SGD).activations(),
                        "that counts every layer's output, a convolution's and its ReLU's apart: autograd keeps the ReLU's output only, and the next convolution reads that same array"),
                new Mistake(() -> BackwardMemory.bytes(BackwardMemory.pytorch(nin, batch)) - poolIndices(nin, batch),
                        "close: max pooling also keeps the index of each window's maximum, as 8-byte integers")));
        qs.add(Question.number("memory.train.b128", "3",
                "And the whole training step with plain SGD: the float32 parameters, their gradients and what autograd saves (the answer above)?",
                Form.BYTES, "", () -> BackwardMemory.bytes(BackwardMemory.pytorch(nin, batch)) + 2 * ParameterCount.of(nin) * MemoryCost.BYTES_PER_FLOAT,
                Tolerance.relative(0.02),
                "see " + MEMORY + " and the exercises chapter, Exercise 3: add one float per parameter and one per gradient to the saved arrays",
                new Mistake(() -> MemoryCost.training(nin, batch, Optimizer.SGD).total(),
                        "that is the book's first model, every layer's output: autograd keeps less (Exercise 3)")));
        qs.add(Question.number("ex2.params.saved", "2", "How many parameters does removing one 1×1 convolution from every NiN block save?",
                Form.COUNT, "parameters", () -> ParameterCount.of(nin) - ParameterCount.of(fewer), Tolerance.toTheDigitsWritten(),
                "see the exercises chapter, Exercise 2: a removed 1×1 convolution from C to C channels held C·C + C parameters; count one per block"));
        qs.add(Question.number("ex2.macs.saved", "2", "How many MACs per 1×1×224×224 image does that removal save?",
                Form.COUNT, "MACs", () -> ComputeCost.total(nin, IMAGE) - ComputeCost.total(fewer, IMAGE), Tolerance.toTheDigitsWritten(),
                "see the exercises chapter, Exercise 2: a 1×1 convolution costs C·C MACs at every pixel of its block's output"));
        qs.add(Question.number("ex2.memory.saved", "2",
                "How much less memory does that training step (the answer to memory.train.b128) take without one 1×1 convolution per block?",
                Form.BYTES, "", () -> trainingStep(nin, batch) - trainingStep(fewer, batch), Tolerance.relative(0.02),
                "see the exercises chapter, Exercise 2: a removed 1×1 convolution and its ReLU leave one saved array per block (the ReLU's output), "
                        + "plus the convolution's parameters and gradients",
                new Mistake(() -> MemoryCost.training(nin, batch, Optimizer.SGD).total() - MemoryCost.training(fewer, batch, Optimizer.SGD).total(),
                        "that counts the convolution's output and its ReLU's apart: autograd saves one of the two")));
        qs.add(shape("shape.block2.r224", "What is the output shape of the second NiN block for one 1×1×224×224 image?", nin, IMAGE, 3));
        NetworkSpec small = Nin.spec(96);
        qs.add(shape("shape.pool3.r96", "What is the output shape of the third max pooling for one 1×1×96×96 image?", small, Shape.of(1, 1, 96, 96), 6));
        qs.add(Question.number("min.input", "3", "What is the smallest side (in pixels) of a square image the chapter's NiN accepts?",
                Form.NUMBER, "", Nin::minimumInputSize, Tolerance.exact(),
                "see the NiN model chapter, How small may the input be?: follow the side backwards through every layer that shrinks it"));
        qs.add(Question.number("loss.equal.scores", "4", "What cross-entropy loss does a network get when it gives all ten classes the same score?",
                Form.NUMBER, "", () -> Math.log(Nin.CLASSES), Tolerance.absolute(0.005),
                "see the exercises chapter, Exercise 4: equal scores make softmax give each class 1/10; the loss is −ln of the true class's probability"));
        qs.add(new Question("loss.2.303.meaning", "4", """
                A run prints "loss 2.303, train acc 0.100" epoch after epoch. What does it mean?
                  a) the learning rate is too small: the network learns, slowly
                  b) the network gives every class the same score: it predicts at chance and no longer learns
                  c) the network overfits the training set
                  d) the data loader shuffles the labels""",
                Form.CHOICE, "", () -> new Form.Letter('b'), Tolerance.exact(),
                "see the exercises chapter, Exercise 4: compare 2.303 with the loss of equal scores, and 0.100 with chance among ten classes",
                List.of()));
        qs.add(Question.number("ex4.last.block.params", "4", "How many parameters does NiN's last block (384 → 10 channels, then two 1×1 convolutions on 10) hold?",
                Form.COUNT, "parameters", () -> ParameterCount.of(blocks.getLast()), Tolerance.toTheDigitsWritten(),
                "see " + PARAMETERS + "; the 3×3 convolution holds nearly all of it"));
        qs.add(Question.number("ex4.head.1x1.params", "4", "How many parameters would a head of one 1×1 convolution from 384 to 10 channels hold?",
                Form.COUNT, "parameters", () -> ParameterCount.of(new LayerSpec.Conv2d(384, Nin.CLASSES, 1, 1, 0)), Tolerance.exact(),
                "see the 1×1 convolution chapter: it is a dense layer from 384 to 10 features applied at every pixel",
                new Mistake(() -> 384.0 * Nin.CLASSES, "that is the weights alone: add one bias per output channel")));
        qs.add(Question.number("ex1.quick.test.acc", "1",
                "Run ./nin train with no flags (the quick default). What test accuracy does its last epoch print? (runs differ a little)",
                Form.NUMBER, "", () -> quickTestAccuracy(root), Tolerance.absolute(0.05),
                "see the training chapter, A real run on the CPU: run it to the end; the last line says `test acc`"));
        return qs;
    }

    /** Parameters, gradients and what autograd saves: one training step with plain SGD. */
    private static long trainingStep(NetworkSpec net, Shape batch) {
        return BackwardMemory.bytes(BackwardMemory.pytorch(net, batch)) + 2 * ParameterCount.of(net) * MemoryCost.BYTES_PER_FLOAT;
    }

    private static long poolIndices(NetworkSpec net, Shape batch) {
        return BackwardMemory.pytorch(net, batch).stream().filter(a -> a.what().startsWith("the index")).mapToLong(BackwardMemory.Array::bytes).sum();
    }

    private static Question shape(String key, String text, NetworkSpec net, Shape input, int stage) {
        return new Question(key, "3", text, Form.SHAPE, "",
                () -> new Form.ShapeGiven(ShapeTrace.of(net, input).get(stage - 1).output()), Tolerance.exact(), "see " + SHAPES, List.of());
    }

    private static double weightsOnly(NetworkSpec net) {
        return net.stages().stream().mapToDouble(Questions::weightsOnly).sum();
    }

    private static double weightsOnly(Stage stage) {
        return stage.layers().stream().mapToDouble(l -> l instanceof LayerSpec.Conv2d c ? ParameterCount.of(l) - c.outChannels() : 0).sum();
    }

    private static double quickTestAccuracy(Path root) {
        Path file = root.resolve(QUICK_RECORD);
        try {
            RunRecord record = RunRecords.read(file);
            return record.lastEpoch().testAcc();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("the record " + file + " cannot be read: " + e.getMessage(), e));
        }
    }
}
