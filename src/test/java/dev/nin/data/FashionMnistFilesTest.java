package dev.nin.data;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.nin.data.IdxFiles.gzip;
import static dev.nin.data.IdxFiles.images;
import static dev.nin.data.IdxFiles.labels;
import static dev.nin.data.IdxFiles.ramp;
import static dev.nin.data.IdxFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading IDX files: a well-formed pair round-trips; each kind of broken file gets an error naming it. */
@Tag("data")
class FashionMnistFilesTest {

    @TempDir
    Path dir;

    private Path goodImages(int count) throws IOException {
        return write(dir, "images.gz", gzip(images(Idx.IMAGES_MAGIC, count, 3, 2, ramp(count * 6))));
    }

    private Path goodLabels(int count) throws IOException {
        return write(dir, "labels.gz", gzip(labels(Idx.LABELS_MAGIC, count, ramp(count))));
    }

    @Test
    void aWellFormedPairIsScaledToTheUnitIntervalWithItsLabels() throws IOException {
        Images images = FashionMnist.loadSplit(goodImages(4), goodLabels(4));

        assertThat(images.count()).isEqualTo(4);
        assertThat(images.height()).isEqualTo(3);
        assertThat(images.width()).isEqualTo(2);
        assertThat(images.labels()).containsExactly(0, 1, 2, 3);
        float[] expected = new float[24];
        for (int i = 0; i < 24; i++) expected[i] = i / 255f;
        assertThat(images.pixels()).containsExactly(expected);
    }

    @Test
    void unpackedFilesAreReadLikeTheGzippedOnes() throws IOException {
        Path img = write(dir, "images", images(Idx.IMAGES_MAGIC, 2, 3, 2, ramp(12)));
        Path lab = write(dir, "labels", labels(Idx.LABELS_MAGIC, 2, ramp(2)));

        assertThat(FashionMnist.loadSplit(img, lab).pixels()).hasSize(12);
    }

    @Test
    void byte255BecomesExactlyOne() {
        assertThat(FashionMnist.scale(new byte[]{0, (byte) 255, 51})).containsExactly(0f, 1f, 0.2f);
    }

    @Test
    void aMissingFileIsNamed() throws IOException {
        Path missing = dir.resolve("train-labels-idx1-ubyte.gz");

        assertThatThrownBy(() -> FashionMnist.loadSplit(goodImages(4), missing))
                .isInstanceOf(DataFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("missing");
    }

    @Test
    void aMissingDirectoryNamesTheFirstFileItLacks() {
        Path empty = dir.resolve("nowhere");

        assertThatThrownBy(() -> FashionMnist.load(empty))
                .hasMessageContaining(empty.resolve("train-images-idx3-ubyte.gz").toString())
                .hasMessageContaining("missing");
    }

    @Test
    void aLabelFileWhereImagesBelongHasTheWrongMagic() throws IOException {
        Path swapped = write(dir, "images.gz", gzip(labels(Idx.LABELS_MAGIC, 4, ramp(4))));

        assertThatThrownBy(() -> FashionMnist.loadSplit(swapped, goodLabels(4)))
                .hasMessageContaining(swapped.toString())
                .hasMessageContaining("wrong magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void anImageFileWhereLabelsBelongHasTheWrongMagic() throws IOException {
        Path swapped = write(dir, "labels.gz", gzip(images(Idx.IMAGES_MAGIC, 4, 3, 2, ramp(24))));

        assertThatThrownBy(() -> FashionMnist.loadSplit(goodImages(4), swapped))
                .hasMessageContaining(swapped.toString())
                .hasMessageContaining("wrong magic number 0x00000803, expected 0x00000801");
    }

    @Test
    void fewerPixelsThanTheHeaderPromisesIsTruncation() throws IOException {
        Path shortFile = write(dir, "images.gz", gzip(images(Idx.IMAGES_MAGIC, 4, 3, 2, ramp(20))));

        assertThatThrownBy(() -> FashionMnist.loadSplit(shortFile, goodLabels(4)))
                .hasMessageContaining(shortFile.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("4 images of 3 × 2 (24 bytes) but only 20 bytes follow");
    }

    @Test
    void aGzipFileCutInTheMiddleIsTruncation() throws IOException {
        byte[] whole = gzip(images(Idx.IMAGES_MAGIC, 40, 3, 2, ramp(240)));
        Path cut = write(dir, "images.gz", Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> FashionMnist.loadSplit(cut, goodLabels(40)))
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void aFileThatEndsInsideItsHeaderIsTruncation() throws IOException {
        Path stub = write(dir, "labels.gz", gzip(new byte[]{0, 0, 8, 1, 0}));

        assertThatThrownBy(() -> FashionMnist.loadSplit(goodImages(4), stub))
                .hasMessageContaining(stub.toString())
                .hasMessageContaining("truncated: the file ends inside its header");
    }

    @Test
    void moreDataThanTheHeaderAnnouncesIsAnError() throws IOException {
        Path longFile = write(dir, "labels.gz", gzip(labels(Idx.LABELS_MAGIC, 4, ramp(5))));

        assertThatThrownBy(() -> FashionMnist.loadSplit(goodImages(4), longFile))
                .hasMessageContaining(longFile.toString())
                .hasMessageContaining("extra data");
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path images = goodImages(4);
        Path labels = write(dir, "labels.gz", gzip(labels(Idx.LABELS_MAGIC, 3, ramp(3))));

        assertThatThrownBy(() -> FashionMnist.loadSplit(images, labels))
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("3 labels but " + images + " holds 4 images");
    }

    @Test
    void aLabelOutsideTheTenClassesIsNamedWithItsPosition() throws IOException {
        Path labels = write(dir, "labels.gz", gzip(labels(Idx.LABELS_MAGIC, 4, new byte[]{3, 9, 10, 0})));

        assertThatThrownBy(() -> FashionMnist.loadSplit(goodImages(4), labels))
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("label 10 of example 2 is out of range 0–9");
    }

    @Test
    void negativeOrZeroDimensionsAreRejected() throws IOException {
        Path flat = write(dir, "images.gz", gzip(images(Idx.IMAGES_MAGIC, 4, 0, 2, new byte[0])));

        assertThatThrownBy(() -> FashionMnist.loadSplit(flat, goodLabels(4)))
                .hasMessageContaining(flat.toString())
                .hasMessageContaining("invalid dimensions 4 × 0 × 2");
    }

    @Test
    void classNamesFollowD2l() {
        assertThat(FashionMnist.CLASS_NAMES).hasSize(10);
        assertThat(FashionMnist.className(0)).isEqualTo("t-shirt");
        assertThat(FashionMnist.className(9)).isEqualTo("ankle boot");
    }
}
