package dev.nin.exercises.code;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.nin.concepts.GlobalAveragePooling;
import dev.nin.model.LayerSpec;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinBlock;
import dev.nin.model.NinVariants;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.model.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;

/**
 * The chapter's claims, stated for a learner's classes: each compares the learner's answer with the idea the
 * chapter teaches (a shape formula, the layers of a block, the arrays a layer learns, a mean), and says what
 * is wrong with a counter-example in words.
 */
public final class ChapterClaims {

    private ChapterClaims() {
    }

    /** Every code exercise, in the order of the book. */
    public static List<CodeExercise<?>> all() {
        return List.of(ninBlock(), head(), parameterCounter(), globalPooling());
    }

    /** A NiN block's hyper-parameters and an input it accepts. */
    public record BlockCase(int in, int out, int kernel, int stride, int padding, Shape input) {
        @Override
        public String toString() {
            return "block(in %d, out %d, kernel %d, stride %d, padding %d) on an input %s".formatted(in, out, kernel, stride, padding, input);
        }
    }

    static Gen<BlockCase> blocks() {
        return integers().between(1, 11).zip(integers().between(1, 4), integers().between(0, 3), (k, s, p) -> new int[]{k, s, p})
                .flatMap(ksp -> integers().between(1, 64).zip(integers().between(1, 64), integers().between(1, 3),
                        integers().between(Math.max(1, ksp[0] - 2 * ksp[2]), 64),
                        (in, out, n, side) -> new BlockCase(in, out, ksp[0], ksp[1], ksp[2], Shape.of(n, in, side, side))));
    }

    // tag::nin-block[]
    static CodeExercise<LearnerNinBlock> ninBlock() {
        List<Claim<LearnerNinBlock, ?>> claims = List.of(
                new Claim<LearnerNinBlock, BlockCase>("every convolution is followed by a ReLU", blocks(), (learner, c) -> {
                    List<LayerSpec> layers = learner.block(c.in(), c.out(), c.kernel(), c.stride(), c.padding()).layers();
                    for (int i = 0; i < layers.size(); i++) {
                        if (!(layers.get(i) instanceof Conv2d conv)) continue;
                        if (i + 1 == layers.size()) return "for " + c + ": the last layer, " + conv.label() + ", has no ReLU after it";
                        if (!(layers.get(i + 1) instanceof ReLU))
                            return "for " + c + ": layer " + (i + 1) + ", " + conv.label() + ", is followed by " + layers.get(i + 1).label() + ", not by a ReLU";
                    }
                    return null;
                }),
                new Claim<LearnerNinBlock, BlockCase>("the block's output has out channels and sides ⌊(n + 2p − k)/s⌋ + 1, like the chapter's block",
                        blocks(), (learner, c) -> {
                    Shape want = NinBlock.of(c.in(), c.out(), c.kernel(), c.stride(), c.padding()).outputShape(c.input());
                    Shape got;
                    try {
                        got = learner.block(c.in(), c.out(), c.kernel(), c.stride(), c.padding()).outputShape(c.input());
                    } catch (IllegalArgumentException refused) {
                        return "for " + c + ": your block refuses the input (" + refused.getMessage() + "); the chapter's gives " + want;
                    }
                    return got.equals(want) ? null : "for " + c + ": your block outputs " + got + "; ⌊(n + 2p − k)/s⌋ + 1 gives " + want;
                }),
                new Claim<LearnerNinBlock, BlockCase>("after its first convolution the block has exactly one 1×1 convolution, from out to out channels",
                        blocks(), (learner, c) -> {
                    List<Conv2d> convs = learner.block(c.in(), c.out(), c.kernel(), c.stride(), c.padding()).layers().stream()
                            .filter(l -> l instanceof Conv2d).map(l -> (Conv2d) l).toList();
                    List<Conv2d> after = convs.isEmpty() ? List.of() : convs.subList(1, convs.size());
                    Conv2d oneByOne = new Conv2d(c.out(), c.out(), 1, 1, 0);
                    if (after.size() != 1 || !after.getFirst().equals(oneByOne))
                        return "for " + c + ": after the first convolution your block has " + labels(after) + "; it should be one " + oneByOne.label();
                    return null;
                }));
        return new CodeExercise<>("MyNinBlock", "exercise 2: a NiN block with one 1×1 convolution", LearnerNinBlock.class, claims);
    }
    // end::nin-block[]

    /** A head's channels and a grid for it. */
    public record HeadCase(int in, int classes, Shape input) {
        @Override
        public String toString() {
            return "head(in %d, classes %d) on an input %s".formatted(in, classes, input);
        }
    }

    static Gen<HeadCase> heads() {
        return integers().between(1, 512).zip(integers().between(1, 20), integers().between(1, 3), integers().between(1, 12),
                (in, classes, n, side) -> new HeadCase(in, classes, Shape.of(n, in, side, side)));
    }

    static CodeExercise<LearnerHead> head() {
        List<Claim<LearnerHead, ?>> claims = List.of(
                new Claim<LearnerHead, HeadCase>("the head goes from in to classes channels in one step: exactly one convolution, in → classes",
                        heads(), (learner, c) -> {
                    List<LayerSpec> convs = learner.head(c.in(), c.classes()).layers().stream().filter(l -> l instanceof Conv2d).toList();
                    if (convs.size() != 1) return "for " + c + ": your head has " + convs.size() + " convolutions: " + labels(convs);
                    Conv2d conv = (Conv2d) convs.getFirst();
                    if (conv.inChannels() != c.in() || conv.outChannels() != c.classes())
                        return "for " + c + ": your convolution goes from " + conv.inChannels() + " to " + conv.outChannels() + " channels";
                    return null;
                }),
                new Claim<LearnerHead, HeadCase>("the head keeps the grid: (N, in, H, W) becomes (N, classes, H, W)", heads(), (learner, c) -> {
                    Shape want = Shape.of(c.input().dim(0), c.classes(), c.input().dim(2), c.input().dim(3));
                    try {
                        Shape got = learner.head(c.in(), c.classes()).outputShape(c.input());
                        return got.equals(want) ? null : "for " + c + ": your head outputs " + got + ", not " + want;
                    } catch (IllegalArgumentException refused) {
                        return "for " + c + ": your head refuses the input (" + refused.getMessage() + ")";
                    }
                }),
                new Claim<LearnerHead, Integer>("NiN with your head in place of its last block still gives one score per class for each image",
                        integers().between(1, 4), (learner, n) -> {
                    NetworkSpec nin = Nin.spec();
                    Conv2d last = (Conv2d) NinVariants.lastBlock(nin).layers().getFirst();
                    List<Stage> stages = new ArrayList<>(nin.stages());
                    stages.set(stages.indexOf(NinVariants.lastBlock(nin)), learner.head(last.inChannels(), last.outChannels()));
                    Shape input = Shape.of(n, 1, Nin.CHAPTER_INPUT_SIZE, Nin.CHAPTER_INPUT_SIZE);
                    try {
                        Shape got = new NetworkSpec("NiN with your head", stages).outputShape(input);
                        return got.equals(Shape.of(n, Nin.CLASSES)) ? null : "for " + n + " images of 224×224 NiN with your head outputs " + got
                                + ", not " + Shape.of(n, Nin.CLASSES);
                    } catch (IllegalArgumentException refused) {
                        return "for " + n + " images of 224×224, NiN with your head fails: " + refused.getMessage();
                    }
                }));
        return new CodeExercise<>("MyHead", "exercise 4: the head from 384 to 10 channels in one step", LearnerHead.class, claims);
    }

    static Gen<LayerSpec> convolutions() {
        return integers().between(1, 512).zip(integers().between(1, 512), integers().between(1, 11), integers().between(1, 4),
                (in, out, k, s) -> new Conv2d(in, out, k, s, k / 2));
    }

    static Gen<LayerSpec> denseLayers() {
        return integers().between(1, 4096).zip(integers().between(1, 4096), LayerSpec.Linear::new);
    }

    static Gen<LayerSpec> layersThatLearnNothing() {
        List<LayerSpec> layers = List.of(new ReLU(), new LayerSpec.MaxPool2d(3, 2), new LayerSpec.Dropout(0.5),
                new LayerSpec.GlobalAvgPool(), new LayerSpec.Flatten());
        return integers().between(0, layers.size() - 1).map(layers::get);
    }

    // tag::counter[]
    /** The learner's count against the arrays the layer learns: the weight's elements plus the bias's. */
    static String countsItsArrays(LearnerParameterCounter learner, LayerSpec layer) {
        long got = learner.parameters(layer);
        List<Shape> arrays = ParameterCount.parameterShapes(layer);
        long want = arrays.stream().mapToLong(Shape::size).sum();
        if (got == want) return null;
        if (arrays.isEmpty()) return "for " + layer.label() + " yours counts " + got + "; it learns nothing";
        return "for %s yours counts %,d; it learns a weight array %s (%s) and a bias array %s (%s): %,d in all"
                .formatted(layer.label(), got, arrays.get(0), numbers(arrays.get(0).size()), arrays.get(1), numbers(arrays.get(1).size()), want);
    }

    private static String numbers(long n) {
        return n == 1 ? "1 number" : "%,d numbers".formatted(n);
    }

    static CodeExercise<LearnerParameterCounter> parameterCounter() {
        List<Claim<LearnerParameterCounter, ?>> claims = List.of(
                new Claim<LearnerParameterCounter, LayerSpec>("a convolution holds k·k·C_in·C_out weights and C_out biases",
                        convolutions(), ChapterClaims::countsItsArrays),
                new Claim<LearnerParameterCounter, LayerSpec>("a dense layer holds in·out weights and out biases",
                        denseLayers(), ChapterClaims::countsItsArrays),
                new Claim<LearnerParameterCounter, LayerSpec>("ReLU, pooling, dropout and flatten learn nothing",
                        layersThatLearnNothing(), ChapterClaims::countsItsArrays));
        return new CodeExercise<>("MyParameterCounter", "exercise 3: a parameter counter for one layer", LearnerParameterCounter.class, claims);
    }
    // end::counter[]

    /** An input for global pooling: its shape and values, made from a seed. */
    public record PoolCase(int n, int c, int h, int w, long seed) {
        float[] values() {
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = new float[n * c * h * w];
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.round(random.nextDouble(-10, 10) * 4) / 4;  // quarters: short to print
            return x;
        }

        @Override
        public String toString() {
            float[] x = values();
            return "an input " + Shape.of(n, c, h, w) + (x.length <= 16 ? " with values " + Arrays.toString(x) : "");
        }
    }

    static Gen<PoolCase> poolInputs() {
        return integers().between(1, 3).zip(integers().between(1, 6), integers().between(1, 7), integers().between(1, 7),
                (n, c, h, w) -> new int[]{n, c, h, w}).zip(longs().all(), (d, seed) -> new PoolCase(d[0], d[1], d[2], d[3], seed));
    }

    // tag::pooling[]
    static CodeExercise<LearnerGlobalPooling> globalPooling() {
        List<Claim<LearnerGlobalPooling, ?>> claims = List.of(
                new Claim<LearnerGlobalPooling, PoolCase>("the output has one value per example and channel, N·C", poolInputs(), (learner, p) -> {
                    float[] y = learner.pool(p.values(), p.n(), p.c(), p.h(), p.w());
                    return y != null && y.length == p.n() * p.c() ? null
                            : "for " + p + " yours returns " + (y == null ? "null" : y.length + " values") + ", not N·C = " + p.n() * p.c();
                }),
                new Claim<LearnerGlobalPooling, PoolCase>("each value is the mean of its channel's H·W values", poolInputs(), (learner, p) -> {
                    float[] x = p.values(), y = learner.pool(x, p.n(), p.c(), p.h(), p.w());
                    float[] want = GlobalAveragePooling.apply(x, p.n(), p.c(), p.h(), p.w());
                    if (y == null || y.length != want.length) return null;  // the claim above speaks about the length
                    for (int i = 0; i < want.length; i++) {
                        // float sums of at most 49 quarters: exact to well within 1e-4
                        if (!(Math.abs(y[i] - want[i]) <= 1e-4))
                            return "for " + p + ": example " + i / p.c() + ", channel " + i % p.c() + " has mean " + want[i] + ", yours gives " + y[i];
                    }
                    return null;
                }));
        return new CodeExercise<>("MyGlobalPooling", "global average pooling", LearnerGlobalPooling.class, claims);
    }
    // end::pooling[]

    private static String labels(List<? extends LayerSpec> layers) {
        return layers.isEmpty() ? "none" : String.join(", ", layers.stream().map(LayerSpec::label).toList());
    }
}
