package dev.nin.train;

import dev.nin.data.Images;

import java.util.SplittableRandom;

/** A learnable toy set small enough for the reference backend: class c is a bright row at height c, plus noise. */
final class ToyData {
    private ToyData() {
    }

    static Images images(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * size * size];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(10);
            for (int p = 0; p < size * size; p++) {
                boolean row = p / size == labels[i] * size / 10;
                pixels[i * size * size + p] = (row ? 0.8f : 0f) + 0.2f * (float) random.nextDouble();
            }
        }
        return new Images(pixels, labels, count, size, size);
    }
}
