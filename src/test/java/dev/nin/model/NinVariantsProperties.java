package dev.nin.model;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.book.Chapters;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import dev.nin.model.MemoryCost.Optimizer;
import dev.nin.model.NinVariants.Variant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The exercises' variants of NiN: each keeps NiN's shapes and differs from NiN, in parameters, MACs and
 * memory, by exactly the layers it removes or replaces. Which layers those are is found here by comparing
 * the two networks stage by stage, not taken from {@link NinVariants}.
 */
@Tag(Chapters.EXERCISES)
class NinVariantsProperties {

    static final Shape IMAGE = Shape.of(1, 1, Nin.CHAPTER_INPUT_SIZE, Nin.CHAPTER_INPUT_SIZE);

    /** A layer with the output shape it has at its place in its network. */
    record Placed(LayerSpec layer, Shape output) {
    }

    // tag::difference[]
    /** The layers NiN has and the variant lacks (removed), and those the variant has instead (added). */
    record Difference(List<Placed> removed, List<Placed> added) {

        /** Compares stage by stage; a changed stage whose layers are a subsequence of NiN's only lost layers. */
        static Difference between(NetworkSpec original, NetworkSpec variant, Shape input) {
            assertThat(variant.stages()).hasSameSizeAs(original.stages());
            List<Placed> removed = new ArrayList<>(), added = new ArrayList<>();
            Shape x = input;
            for (int i = 0; i < original.stages().size(); i++) {
                Stage before = original.stages().get(i), after = variant.stages().get(i);
                List<Placed> old = placed(before, x), now = placed(after, x);
                if (isSubsequence(after.layers(), before.layers())) {
                    removed.addAll(unmatched(old, after.layers()));
                } else {
                    removed.addAll(old);
                    added.addAll(now);
                }
                x = before.outputShape(x);
            }
            return new Difference(removed, added);
        }
        // end::difference[]

        long parameters(List<Placed> layers) {
            return layers.stream().mapToLong(p -> ParameterCount.of(p.layer())).sum();
        }

        long macs(List<Placed> layers) {
            return layers.stream().mapToLong(p -> ComputeCost.macs(p.layer(), p.output())).sum();
        }

        long outputs(List<Placed> layers) {
            return layers.stream().mapToLong(p -> p.output().size()).sum();
        }
    }

    static List<Placed> placed(Stage stage, Shape input) {
        List<Placed> out = new ArrayList<>();
        Shape x = input;
        for (LayerSpec layer : stage.layers()) {
            x = layer.outputShape(x);
            out.add(new Placed(layer, x));
        }
        return out;
    }

    static boolean isSubsequence(List<LayerSpec> part, List<LayerSpec> whole) {
        int j = 0;
        for (LayerSpec layer : whole) if (j < part.size() && layer.equals(part.get(j))) j++;
        return j == part.size();
    }

    /** The layers of {@code whole} left over after matching {@code kept} in order, greedily. */
    static List<Placed> unmatched(List<Placed> whole, List<LayerSpec> kept) {
        List<Placed> left = new ArrayList<>();
        int j = 0;
        for (Placed p : whole) {
            if (j < kept.size() && p.layer().equals(kept.get(j))) j++;
            else left.add(p);
        }
        return left;
    }

    static List<Shape> stageShapes(NetworkSpec net, Shape input) {
        List<Shape> shapes = new ArrayList<>();
        Shape x = input;
        for (Stage stage : net.stages()) shapes.add(x = stage.outputShape(x));
        return shapes;
    }

    // tag::shapes[]
    @Test
    void everyVariantKeepsNinsShapeAfterEveryStage() {
        List<Shape> nin = stageShapes(Nin.spec(), IMAGE);
        for (Variant v : NinVariants.all()) {
            assertThat(stageShapes(v.spec(), IMAGE)).as(v.name()).isEqualTo(nin);
            assertThat(v.spec().outputShape(IMAGE)).as(v.name()).isEqualTo(Shape.of(1, Nin.CLASSES));
        }
    }
    // end::shapes[]

    // tag::removed-one-by-ones[]
    @Test
    void oneOneByOnePerBlockRemovesOneOneByOneConvolutionAndItsReluFromEachBlock() {
        NetworkSpec nin = Nin.spec();
        Difference d = Difference.between(nin, NinVariants.oneOneByOnePerBlock(nin), IMAGE);
        long blocks = nin.stages().stream().filter(s -> s.name().equals(NinBlock.NAME)).count();

        assertThat(d.added()).isEmpty();
        assertThat(d.removed()).filteredOn(p -> p.layer() instanceof ReLU).hasSize((int) blocks);
        assertThat(d.removed()).filteredOn(p -> p.layer() instanceof Conv2d).hasSize((int) blocks)
                .allSatisfy(p -> assertThat((Conv2d) p.layer()).matches(c -> c.kernel() == 1 && c.inChannels() == c.outChannels()));
    }
    // end::removed-one-by-ones[]

    // tag::heads[]
    @Test
    void exerciseFoursVariantsChangeOnlyTheLastBlockAsTheirNamesSay() {
        NetworkSpec nin = Nin.spec();
        Stage last = NinVariants.lastBlock(nin);
        Conv2d reduce = (Conv2d) last.layers().getFirst();
        List<LayerSpec> oneByOnes = last.layers().subList(2, last.layers().size());

        Difference convolutionHead = Difference.between(nin, NinVariants.convolutionHead(nin), IMAGE);
        assertThat(convolutionHead.removed()).extracting(Placed::layer).containsExactlyElementsOf(oneByOnes);
        assertThat(convolutionHead.added()).isEmpty();

        Difference oneByOneHead = Difference.between(nin, NinVariants.oneByOneHead(nin), IMAGE);
        assertThat(oneByOneHead.removed()).extracting(Placed::layer).containsExactlyElementsOf(last.layers());
        assertThat(oneByOneHead.added()).extracting(Placed::layer)
                .containsExactly(new Conv2d(reduce.inChannels(), reduce.outChannels(), 1, 1, 0), new ReLU());

        Difference noFinalRelu = Difference.between(nin, NinVariants.withoutFinalRelu(nin), IMAGE);
        assertThat(noFinalRelu.removed()).extracting(Placed::layer).containsExactly(new ReLU());
        assertThat(NinVariants.withoutFinalRelu(nin).layers()).as("the scores come straight from a convolution")
                .containsSequence(oneByOnes.get(oneByOnes.size() - 2), new LayerSpec.GlobalAvgPool());
    }
    // end::heads[]

    // tag::counts-differ[]
    /** Parameters and MACs differ by the changed layers' own; training memory by their outputs too. */
    static void assertCountsDifferByTheChangedLayers(NetworkSpec original, NetworkSpec variant, Shape image) {
        Difference d = Difference.between(original, variant, image);
        int batch = 128;
        Difference perBatch = Difference.between(original, variant, image.withBatch(batch));
        long parameters = d.parameters(d.removed()) - d.parameters(d.added());

        assertThat(ParameterCount.of(original) - ParameterCount.of(variant)).isEqualTo(parameters);
        assertThat(ComputeCost.total(original, image) - ComputeCost.total(variant, image))
                .isEqualTo(d.macs(d.removed()) - d.macs(d.added()));
        for (Optimizer optimizer : Optimizer.values()) {
            long bytes = MemoryCost.training(original, image.withBatch(batch), optimizer).total()
                    - MemoryCost.training(variant, image.withBatch(batch), optimizer).total();
            long perParameter = 2 + optimizer.statesPerParameter; // the parameter, its gradient, the optimizer's state
            assertThat(bytes).as(optimizer.name()).isEqualTo(MemoryCost.BYTES_PER_FLOAT * (perParameter * parameters
                    + perBatch.outputs(perBatch.removed()) - perBatch.outputs(perBatch.added())));
        }
    }

    @Test
    void eachVariantsCountsDifferFromNinsByExactlyTheLayersItChanges() {
        for (Variant v : NinVariants.all()) assertCountsDifferByTheChangedLayers(Nin.spec(), v.spec(), IMAGE);
    }
    // end::counts-differ[]

    // tag::random-stacks[]
    /** NiN-like stacks with stride 1, so a 128×128 input passes every one. */
    static Gen<NetworkSpec> ninLikeStacks() {
        return ParameterCountProperties.ninLikeStacks(1);
    }

    @Test
    void droppingAOneByOneFromEveryBlockOfAnyStackSavesExactlyThatConvolution() {
        forAll(ninLikeStacks()).tries(100).check(net -> {
            Conv2d first = (Conv2d) net.layers().getFirst();
            Shape image = Shape.of(1, first.inChannels(), 128, 128);
            NetworkSpec fewer = NinVariants.oneOneByOnePerBlock(net);

            assertThat(stageShapes(fewer, image)).isEqualTo(stageShapes(net, image));
            assertCountsDifferByTheChangedLayers(net, fewer, image);
            assertCountsDifferByTheChangedLayers(net, NinVariants.withoutFinalRelu(net), image);
        });
    }
    // end::random-stacks[]

    // tag::prediction-peak[]
    /** NiN's prediction peak is its first ReLU's input and output, which every variant keeps. */
    @Test
    void predictionMemoryDiffersOnlyByTheParametersBecauseThePeakIsInTheFirstBlock() {
        NetworkSpec nin = Nin.spec();
        Shape batch = IMAGE.withBatch(128);
        for (Variant v : NinVariants.all()) {
            MemoryCost.Breakdown a = MemoryCost.prediction(nin, batch), b = MemoryCost.prediction(v.spec(), batch);
            assertThat(b.activations()).as(v.name()).isEqualTo(a.activations());
            assertThat(a.total() - b.total()).as(v.name())
                    .isEqualTo(MemoryCost.BYTES_PER_FLOAT * (ParameterCount.of(nin) - ParameterCount.of(v.spec())));
        }
    }
    // end::prediction-peak[]

    @Test
    void aBlockWithTwoOneByOnesIsTheChaptersBlock() {
        assertThat(NinBlock.withOneByOnes(96, 256, 5, 1, 2, 2)).isEqualTo(NinBlock.of(96, 256, 5, 1, 2));
    }
}
