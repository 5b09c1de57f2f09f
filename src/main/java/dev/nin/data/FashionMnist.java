package dev.nin.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST: 60000 training and 10000 test images of 28 × 28 pixels in ten classes, read from the
 * four original IDX files ({@code .gz} or unpacked) of one directory.
 */
public record FashionMnist(Images train, Images test) {

    /** The class names in label order, as d2l's {@code get_fashion_mnist_labels} prints them. */
    public static final List<String> CLASS_NAMES = List.of(
            "t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Debian's {@code dataset-fashion-mnist} package installs the files here. */
    public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** The system property {@code nin.fashion-mnist.dir}, else {@code FASHION_MNIST_DIR}, else Debian's location. */
    public static Path defaultDirectory() {
        String dir = System.getProperty("nin.fashion-mnist.dir", System.getenv("FASHION_MNIST_DIR"));
        return dir == null || dir.isBlank() ? DEBIAN_DIRECTORY : Path.of(dir);
    }

    /** Loads both splits from {@link #defaultDirectory()}. */
    public static FashionMnist load() throws IOException {
        return load(defaultDirectory());
    }

    /** Both splits from {@code dir}; test images of another size than the training images are refused, naming the file. */
    public static FashionMnist load(Path dir) throws IOException {
        Images train = loadSplit(file(dir, TRAIN_IMAGES), file(dir, TRAIN_LABELS));
        Path testImages = file(dir, TEST_IMAGES);
        Images test = loadSplit(testImages, file(dir, TEST_LABELS));
        if (test.height() != train.height() || test.width() != train.width())
            throw new DataFileException(testImages, "holds images of " + test.height() + " × " + test.width() + " pixels, but the training images ("
                    + file(dir, TRAIN_IMAGES) + ") are " + train.height() + " × " + train.width());
        return new FashionMnist(train, test);
    }

    /** The name of class {@code label}, e.g. 9 → "ankle boot". */
    public static String className(int label) {
        return CLASS_NAMES.get(label);
    }

    /** One split: images scaled from bytes 0–255 to [0, 1], labels checked against the ten classes. */
    public static Images loadSplit(Path imageFile, Path labelFile) throws IOException {
        Idx.RawImages raw = Idx.readImages(imageFile);
        int[] labels = Idx.readLabels(labelFile);
        if (labels.length != raw.count())
            throw new DataFileException(labelFile, "holds " + labels.length + " labels but " + imageFile
                    + " holds " + raw.count() + " images");
        for (int i = 0; i < labels.length; i++)
            if (labels[i] >= CLASS_NAMES.size())
                throw new DataFileException(labelFile, "label " + labels[i] + " of example " + i
                        + " is out of range 0–" + (CLASS_NAMES.size() - 1));
        return new Images(scale(raw.pixels()), labels, raw.count(), raw.rows(), raw.columns());
    }

    // tag::scale[]
    /** Byte {@code b} becomes {@code b / 255}, exactly as torchvision's {@code ToTensor}. */
    static float[] scale(byte[] bytes) {
        float[] table = new float[256];
        for (int b = 0; b < 256; b++) table[b] = b / 255f;
        float[] pixels = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) pixels[i] = table[bytes[i] & 0xFF];
        return pixels;
    }
    // end::scale[]

    /** {@code name.gz} when present (the original download), else the unpacked {@code name}. */
    private static Path file(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        return Files.exists(gz) || !Files.exists(dir.resolve(name)) ? gz : dir.resolve(name);
    }

    @Override
    public String toString() {
        return "FashionMnist[train " + train + ", test " + test + "]";
    }
}
