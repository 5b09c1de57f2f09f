package dev.nin.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

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

    /** Up to 300 numbered images of 1 × 1 to 4 × 4 pixels (a failure prints their count and size). */
    static Gen<Images> smallDataSets() {
        return integers().between(0, 300).zip(integers().between(1, 4), (n, side) -> numbered(n, side, side));
    }

    @Test
    void shufflingIsAPermutation() {
        forAll(integers().between(0, 2000), longs().all(), integers().between(0, 100)).tries(100).check((n, seed, epoch) -> {
            int[] order = Batches.permutation(n, seed, epoch);

            assertThat(order.clone()).hasSize(n);
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            assertThat(sorted).containsExactly(IntStream.range(0, n).toArray());
        });
    }

    @Test
    void shufflingIsReproducibleFromTheSeedAndEpoch() {
        forAll(integers().between(0, 2000), longs().all(), integers().between(0, 100)).tries(100).check((n, seed, epoch) ->
                assertThat(Batches.permutation(n, seed, epoch)).containsExactly(Batches.permutation(n, seed, epoch)));
    }

    @Test
    void eachEpochAndEachSeedDrawsAFreshOrder() {
        forAll(longs().all(), integers().between(0, 100)).tries(100).check((seed, epoch) -> {
            // with 1000 examples two independent shuffles coincide with probability 1/1000!: never in practice
            int[] order = Batches.permutation(1000, seed, epoch);

            assertThat(Batches.permutation(1000, seed, epoch + 1)).isNotEqualTo(order);
            assertThat(Batches.permutation(1000, seed + 1, epoch)).isNotEqualTo(order);
        });
    }

    @Test
    void batchesCoverEveryExampleExactlyOnceWithTheLastOnePartial() {
        forAll(smallDataSets(), integers().between(1, 64), longs().all(), integers().between(0, 10)).tries(100)
                .check((images, batchSize, seed, epoch) -> {
                    List<Batch> batches = new ArrayList<>();
                    Batches.of(images, batchSize, seed, epoch).forEach(batches::add);

                    assertThat(batches).hasSize(Batches.count(images, batchSize));
                    for (int b = 0; b < batches.size() - 1; b++) assertThat(batches.get(b).size()).isEqualTo(batchSize);
                    if (!batches.isEmpty()) {
                        int remainder = images.count() % batchSize;
                        assertThat(batches.getLast().size()).isEqualTo(remainder == 0 ? batchSize : remainder);
                    }
                    assertThat(examplesIn(batches, images))
                            .containsExactlyInAnyOrder(IntStream.range(0, images.count()).boxed().toArray(Integer[]::new));
                    assertThat(examplesIn(batches, images)).containsExactly(
                            Arrays.stream(Batches.permutation(images.count(), seed, epoch)).boxed().toArray(Integer[]::new));
                });
    }

    @Test
    void inOrderBatchesFollowTheDataSet() {
        forAll(smallDataSets(), integers().between(1, 64)).tries(50).check((images, batchSize) -> {
            List<Batch> batches = new ArrayList<>();
            Batches.inOrder(images, batchSize).forEach(batches::add);

            assertThat(examplesIn(batches, images)).containsExactly(IntStream.range(0, images.count()).boxed().toArray(Integer[]::new));
        });
    }

    @Test
    void aBatchKeepsEachImageWithItsOwnLabel() {
        Images images = numbered(25, 2, 3);

        for (Batch batch : Batches.of(images, 7, 42, 0))
            for (int b = 0; b < batch.size(); b++) {
                int example = (int) batch.pixels()[b * 6];
                assertThat(batch.labels()[b]).isEqualTo(example % 10);
                assertThat(Arrays.copyOfRange(batch.pixels(), b * 6, b * 6 + 6)).containsOnly((float) example);
            }
    }

    @Test
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
