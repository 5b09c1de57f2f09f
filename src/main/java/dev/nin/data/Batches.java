package dev.nin.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Mini-batches over a set of images, like PyTorch's {@code DataLoader(shuffle=True)}: each epoch visits
 * every example once in a fresh order, and the last batch keeps the remainder.
 */
public final class Batches {

    private Batches() {
    }

    // tag::shuffle[]
    /**
     * The order of epoch {@code epoch}: a Fisher–Yates shuffle driven by a generator seeded from
     * {@code (seed, epoch)} alone, so a resumed run draws exactly the orders an uninterrupted one would.
     */
    public static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
    // end::shuffle[]

    /** Training batches: reshuffled for each (seed, epoch), the last one partial. */
    public static Iterable<Batch> of(Images images, int batchSize, long seed, int epoch) {
        checkBatchSize(batchSize);
        return () -> new BatchIterator(images, batchSize, permutation(images.count(), seed, epoch));
    }

    /** Evaluation batches in the order of the data set, the last one partial. */
    public static Iterable<Batch> inOrder(Images images, int batchSize) {
        checkBatchSize(batchSize);
        return () -> new BatchIterator(images, batchSize, null);
    }

    /** Number of batches in an epoch: ⌈count / batchSize⌉. */
    public static int count(Images images, int batchSize) {
        checkBatchSize(batchSize);
        return (images.count() + batchSize - 1) / batchSize;
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }

    /** Copies each batch's images out of the data set; {@code order == null} means 0, 1, 2, … */
    private static final class BatchIterator implements Iterator<Batch> {
        private final Images images;
        private final int batchSize;
        private final int[] order;
        private int next;

        BatchIterator(Images images, int batchSize, int[] order) {
            this.images = images;
            this.batchSize = batchSize;
            this.order = order;
        }

        @Override
        public boolean hasNext() {
            return next < images.count();
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            int size = Math.min(batchSize, images.count() - next), pixels = images.imageSize();
            float[] x = new float[size * pixels];
            int[] y = new int[size];
            for (int b = 0; b < size; b++) {
                int i = order == null ? next + b : order[next + b];
                System.arraycopy(images.pixels(), i * pixels, x, b * pixels, pixels);
                y[b] = images.labels()[i];
            }
            next += size;
            return new Batch(x, y, size, images.height(), images.width());
        }
    }
}
