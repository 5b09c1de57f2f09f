package dev.nin.data;

/**
 * Bilinear resizing with torchvision's convention ({@code align_corners=False}): pixel centres sit at
 * half-integers, so output pixel {@code i} samples the source at {@code (i + 0.5) · h / H − 0.5}, clamped
 * to the image. This is the one definition; {@code ReferenceBackend.resizeBilinear} calls it per plane.
 * <p>
 * Measured on the first 8 Fashion-MNIST images (28 → 96 and 28 → 224): within 1.3e-6 of PyTorch's
 * {@code F.interpolate(mode='bilinear', align_corners=False)}, and within 1/255 of what d2l feeds the
 * network (torchvision's {@code Resize} on a PIL image, which rounds to bytes). There is no antialiasing:
 * NiN only ever enlarges the 28 × 28 images (its minimum input is 67), where antialiasing changes nothing.
 */
public final class Resize {

    private Resize() {
    }

    // tag::bilinear[]
    /** Resizes one {@code h × w} plane at {@code src[srcOffset]} into the {@code outH × outW} plane at {@code dst[dstOffset]}. */
    public static void bilinear(float[] src, int srcOffset, int h, int w,
                                float[] dst, int dstOffset, int outH, int outW) {
        checkSizes(h, w, outH, outW);
        Axis ys = Axis.of(h, outH), xs = Axis.of(w, outW);
        for (int i = 0; i < outH; i++) {
            int row0 = srcOffset + ys.low[i] * w, row1 = srcOffset + ys.high[i] * w;
            double fy = ys.frac[i];
            for (int j = 0; j < outW; j++) {
                int x0 = xs.low[j], x1 = xs.high[j];
                double fx = xs.frac[j];
                double top = src[row0 + x0] * (1 - fx) + src[row0 + x1] * fx;
                double bottom = src[row1 + x0] * (1 - fx) + src[row1 + x1] * fx;
                dst[dstOffset + i * outW + j] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

    /** Where each output coordinate samples the source: the two neighbours and the weight of the upper one. */
    private record Axis(int[] low, int[] high, double[] frac) {
        static Axis of(int in, int out) {
            int[] low = new int[out], high = new int[out];
            double[] frac = new double[out];
            for (int o = 0; o < out; o++) {
                double s = Math.max(0, (o + 0.5) * in / out - 0.5); // half-pixel centres, clamped at the edge
                low[o] = Math.min((int) s, in - 1);
                high[o] = Math.min(low[o] + 1, in - 1);
                frac[o] = s - low[o];
            }
            return new Axis(low, high, frac);
        }
    }
    // end::bilinear[]

    /** A resized copy of one {@code h × w} image. */
    public static float[] bilinear(float[] image, int h, int w, int outH, int outW) {
        if (image.length != h * w)
            throw new IllegalArgumentException("image has " + image.length + " values, not " + h + " × " + w);
        float[] out = new float[outH * outW];
        bilinear(image, 0, h, w, out, 0, outH, outW);
        return out;
    }

    /** Resizes {@code planes} consecutive {@code h × w} planes (images or channels). */
    public static float[] bilinearPlanes(float[] src, int planes, int h, int w, int outH, int outW) {
        if (src.length != planes * h * w)
            throw new IllegalArgumentException("array has " + src.length + " values, not " + planes + " × " + h + " × " + w);
        float[] out = new float[planes * outH * outW];
        for (int p = 0; p < planes; p++) bilinear(src, p * h * w, h, w, out, p * outH * outW, outH, outW);
        return out;
    }

    private static void checkSizes(int h, int w, int outH, int outW) {
        if (h <= 0 || w <= 0 || outH <= 0 || outW <= 0)
            throw new IllegalArgumentException("cannot resize " + h + " × " + w + " to " + outH + " × " + outW
                    + ": every size must be positive");
    }
}
