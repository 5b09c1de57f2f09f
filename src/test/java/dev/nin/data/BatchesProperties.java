package dev.nin.data;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Tag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeded shuffling and mini-batches, as PyTorch's DataLoader(shuffle=True) hands them out. */
@Tag("data")
class BatchesProperties {

    /** Image i is filled with the value i and labelled i mod 10, so every batch says which examples it holds. */
    static Images numbered(int count, int height, int width) {
        float[] pixels = new float[count * height * width];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            Arrays.fill(pixels, i * height * width, (i + 1) * height * width, i);
            labels[i] = i % 10;
        }
        return new Images(pixels, labels, count, height, width);
    }

    @Provide
    Arbitrary<Images> smallDataSets() {
        return Arbitraries.integers().between(0, 300).flatMap(n ->
                Arbitraries.integers().between(1, 4).map(side -> numbered(n, side, side)));
    }

    @Property(tries = 100)
    void shufflingIsAPermutation(@ForAll @IntRange(min = 0, max = 2000) int n, @ForAll long seed,
                                 @ForAll @IntRange(min = 0, max = 100) int epoch) {
        int[] order = Batches.permutation(n, seed, epoch);

        assertThat(order.clone()).hasSize(n);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(IntStream.range(0, n).toArray());
    }

    @Property(tries = 100)
    void shufflingIsReproducibleFromTheSeedAndEpoch(@ForAll @IntRange(min = 0, max = 2000) int n, @ForAll long seed,
                                                    @ForAll @IntRange(min = 0, max = 100) int epoch) {
        assertThat(Batches.permutation(n, seed, epoch)).containsExactly(Batches.permutation(n, seed, epoch));
    }

    @Property(tries = 100)
    void eachEpochAndEachSeedDrawsAFreshOrder(@ForAll long seed, @ForAll @IntRange(min = 0, max = 100) int epoch) {
        // with 1000 examples two independent shuffles coincide with probability 1/1000!: never in practice
        int[] order = Batches.permutation(1000, seed, epoch);

        assertThat(Batches.permutation(1000, seed, epoch + 1)).isNotEqualTo(order);
        assertThat(Batches.permutation(1000, seed + 1, epoch)).isNotEqualTo(order);
    }

    @Property(tries = 100)
    void batchesCoverEveryExampleExactlyOnceWithTheLastOnePartial(@ForAll("smallDataSets") Images images,
                                                                   @ForAll @IntRange(min = 1, max = 64) int batchSize,
                                                                   @ForAll long seed,
                                                                   @ForAll @IntRange(min = 0, max = 10) int epoch) {
        List<Batch> batches = new ArrayList<>();
        Batches.of(images, batchSize, seed, epoch).forEach(batches::add);

        assertThat(batches).hasSize(Batches.count(images, batchSize));
        for (int b = 0; b < batches.size() - 1; b++) assertThat(batches.get(b).size()).isEqualTo(batchSize);
        if (!batches.isEmpty()) {
            int remainder = images.count() % batchSize;
            assertThat(batches.getLast().size()).isEqualTo(remainder == 0 ? batchSize : remainder);
        }
        assertThat(examplesIn(batches, images)).containsExactlyInAnyOrder(IntStream.range(0, images.count()).boxed().toArray(Integer[]::new));
        assertThat(examplesIn(batches, images)).containsExactly(
                Arrays.stream(Batches.permutation(images.count(), seed, epoch)).boxed().toArray(Integer[]::new));
    }

    @Property(tries = 50)
    void inOrderBatchesFollowTheDataSet(@ForAll("smallDataSets") Images images,
                                        @ForAll @IntRange(min = 1, max = 64) int batchSize) {
        List<Batch> batches = new ArrayList<>();
        Batches.inOrder(images, batchSize).forEach(batches::add);

        assertThat(examplesIn(batches, images)).containsExactly(IntStream.range(0, images.count()).boxed().toArray(Integer[]::new));
    }

    @Example
    void aBatchKeepsEachImageWithItsOwnLabel() {
        Images images = numbered(25, 2, 3);

        for (Batch batch : Batches.of(images, 7, 42, 0))
            for (int b = 0; b < batch.size(); b++) {
                int example = (int) batch.pixels()[b * 6];
                assertThat(batch.labels()[b]).isEqualTo(example % 10);
                assertThat(Arrays.copyOfRange(batch.pixels(), b * 6, b * 6 + 6)).containsOnly((float) example);
            }
    }

    @Example
    void aBatchResizedTo96KeepsItsLabelsAndSize() {
        Batch batch = Batches.inOrder(numbered(5, 28, 28), 4).iterator().next().resized(96);

        assertThat(batch.size()).isEqualTo(4);
        assertThat(batch.height()).isEqualTo(96);
        assertThat(batch.pixels()).hasSize(4 * 96 * 96);
        assertThat(batch.labels()).containsExactly(0, 1, 2, 3);
        assertThat(batch.pixels()[3 * 96 * 96 + 500]).isEqualTo(3f); // a constant image stays constant
    }

    /** The example numbers a list of batches holds, in order (each image is filled with its number). */
    private static List<Integer> examplesIn(List<Batch> batches, Images images) {
        List<Integer> seen = new ArrayList<>();
        for (Batch batch : batches)
            for (int b = 0; b < batch.size(); b++) seen.add((int) batch.pixels()[b * images.imageSize()]);
        return seen;
    }
}
