package dev.nin.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real Fashion-MNIST files, when installed (Debian's dataset-fashion-mnist or FASHION_MNIST_DIR). */
@Tag("data")
class FashionMnistDataTest {

    private static FashionMnist data;
    private static Path dir;

    @BeforeAll
    static void load() throws IOException {
        dir = FashionMnist.defaultDirectory();
        assumeTrue(Files.exists(dir.resolve(FashionMnist.TRAIN_IMAGES + ".gz")),
                "Fashion-MNIST is not installed in " + dir
                        + " (apt-get install dataset-fashion-mnist, or set FASHION_MNIST_DIR)");
        long start = System.nanoTime();
        data = FashionMnist.load(dir);
        System.out.printf("loaded %s in %.2f s%n", data, (System.nanoTime() - start) / 1e9);
    }

    @Test
    void theSplitsHold60000And10000ImagesOf28By28() {
        assertThat(data.train().count()).isEqualTo(60_000);
        assertThat(data.test().count()).isEqualTo(10_000);
        assertThat(data.train().height()).isEqualTo(28);
        assertThat(data.train().width()).isEqualTo(28);
        assertThat(data.test().height()).isEqualTo(28);
    }

    @Test
    void theFirstLabelsAreTheRawBytesAfterTheHeader() throws IOException {
        // an independent read: byte 8 of the unpacked label file is the first label
        assertThat(data.train().labels()[0]).isEqualTo(rawByte(FashionMnist.TRAIN_LABELS, 8));
        assertThat(data.test().labels()[0]).isEqualTo(rawByte(FashionMnist.TEST_LABELS, 8));
        // and d2l shows the first training image as an ankle boot
        assertThat(FashionMnist.className(data.train().labels()[0])).isEqualTo("ankle boot");
    }

    @Test
    void everyClassHasAnEqualShare() {
        int[] perClass = new int[10];
        for (int label : data.train().labels()) perClass[label]++;
        assertThat(perClass).containsOnly(6_000);
    }

    @Test
    void pixelsLieInTheUnitIntervalAndUseIt() {
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float p : data.test().pixels()) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
    }

    private static int rawByte(String name, int offset) throws IOException {
        try (InputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(dir.resolve(name + ".gz"))))) {
            in.skipNBytes(offset);
            return in.read();
        }
    }
}
