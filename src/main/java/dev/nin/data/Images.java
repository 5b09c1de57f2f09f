package dev.nin.data;

import java.util.Arrays;

/**
 * {@code count} grey-scale images of {@code height × width} pixels in [0, 1], image {@code i} at offset
 * {@code i · height · width} of {@code pixels}, with their class labels 0–9.
 */
public record Images(float[] pixels, int[] labels, int count, int height, int width) {

    public Images {
        if (count < 0 || height <= 0 || width <= 0)
            throw new IllegalArgumentException("invalid images: count " + count + ", size " + height + " × " + width);
        if (labels.length != count)
            throw new IllegalArgumentException(count + " images but " + labels.length + " labels");
        if (pixels.length != (long) count * height * width)
            throw new IllegalArgumentException(pixels.length + " pixels do not make " + count + " images of "
                    + height + " × " + width);
    }

    /** Pixels per image. */
    public int imageSize() {
        return height * width;
    }

    /** The first {@code n} images (all of them when {@code n ≥ count}); a copy, as a subset for quick runs. */
    public Images limit(int n) {
        if (n < 0) throw new IllegalArgumentException("limit must be ≥ 0, got " + n);
        int m = Math.min(n, count);
        if (m == count) return this;
        return new Images(Arrays.copyOf(pixels, m * imageSize()), Arrays.copyOf(labels, m), m, height, width);
    }

    /** A copy of image {@code i}. */
    public float[] image(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("image " + i + " of " + count);
        return Arrays.copyOfRange(pixels, i * imageSize(), (i + 1) * imageSize());
    }

    /** Every image resized bilinearly to {@code size × size} (mind the memory: 60000 × 224² floats is 12 GB). */
    public Images resized(int size) {
        return new Images(Resize.bilinearPlanes(pixels, count, height, width, size, size), labels.clone(), count, size, size);
    }

    @Override
    public String toString() {
        return "Images[" + count + " × " + height + " × " + width + "]";
    }
}
