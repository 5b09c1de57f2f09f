package dev.nin.data;

/**
 * One mini-batch: {@code size} images of {@code height × width} in NCHW order with one channel, and
 * their labels. The last batch of an epoch may be smaller than the others.
 */
public record Batch(float[] pixels, int[] labels, int size, int height, int width) {

    public Batch {
        if (labels.length != size || pixels.length != (long) size * height * width)
            throw new IllegalArgumentException("batch of " + size + " images of " + height + " × " + width
                    + " cannot hold " + pixels.length + " pixels and " + labels.length + " labels");
    }

    /** The same batch with every image resized bilinearly to {@code size × size} (torchvision's convention). */
    public Batch resized(int newSize) {
        if (newSize == height && newSize == width) return this;
        return new Batch(Resize.bilinearPlanes(pixels, size, height, width, newSize, newSize), labels, size, newSize, newSize);
    }

    @Override
    public String toString() {
        return "Batch[" + size + " × 1 × " + height + " × " + width + "]";
    }
}
