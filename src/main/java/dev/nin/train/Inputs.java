package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;

/**
 * Moves a batch of small images and labels to the backend and resizes the images there: uploading
 * 28×28 and resizing on the device moves (R/28)² times less data than resizing on the host.
 */
public final class Inputs {
    private final Backend backend;
    private final Memory memory;
    private final int height, width, size;
    private final float[] labelValues;
    private Tensor raw, resized, labels;
    private int batch;

    /** @param size the side the network takes (the chapter's resize, 224) */
    public Inputs(Backend backend, int maxBatch, int height, int width, int size) {
        this.backend = backend;
        this.memory = new Memory(backend, maxBatch, 0);
        this.height = height;
        this.width = width;
        this.size = size;
        this.labelValues = new float[maxBatch];
    }

    /** Uploads n images (n·height·width pixels) and their labels; returns the (n, 1, size, size) input. */
    public Tensor load(float[] pixels, int[] classes, int n) {
        if (n != batch) {
            if (!sameSize()) raw = memory.buffer(this, "raw", Shape.of(n, 1, height, width));
            resized = memory.buffer(this, "resized", Shape.of(n, 1, size, size));
            labels = memory.buffer(this, "labels", Shape.of(n));
            batch = n;
        }
        for (int i = 0; i < n; i++) labelValues[i] = classes[i];
        backend.upload(labelValues, labels);
        if (sameSize()) {
            backend.upload(pixels, resized);
        } else {
            backend.upload(pixels, raw);
            backend.resizeBilinear(raw, resized);
        }
        return resized;
    }

    /** Half-pixel bilinear resizing to the same size is the identity: skip it. */
    private boolean sameSize() {
        return size == height && size == width;
    }

    /** The labels of the batch last loaded, as floats, shape (n). */
    public Tensor labels() {
        return labels;
    }
}
