package dev.nin.concepts;

/**
 * Global average pooling (全局平均汇聚层): each channel's feature map shrinks to its mean, so a block with
 * as many channels as classes yields one logit per class and no dense layer is needed. Arrays are row-major
 * NCHW floats.
 */
public final class GlobalAveragePooling {

    private GlobalAveragePooling() {
    }

    // tag::global[]
    /** (N, C, H, W) to (N, C, 1, 1): the mean over all H×W positions of each channel. */
    public static float[] apply(float[] x, int n, int c, int h, int w) {
        float[] y = new float[n * c];
        for (int map = 0; map < n * c; map++) {
            float sum = 0;
            for (int p = 0; p < h * w; p++) sum += x[map * h * w + p];
            y[map] = sum / (h * w);
        }
        return y;
    }
    // end::global[]

    // tag::adaptive[]
    /**
     * PyTorch's {@code AdaptiveAvgPool2d((outH, outW))}: output cell i averages input rows
     * ⌊i·H/outH⌋ to ⌈(i+1)·H/outH⌉ − 1 (the same for columns), so windows may differ in size and overlap.
     */
    public static float[] adaptive(float[] x, int n, int c, int h, int w, int outH, int outW) {
        float[] y = new float[n * c * outH * outW];
        for (int map = 0; map < n * c; map++) {
            for (int i = 0; i < outH; i++) {
                int h0 = Math.floorDiv(i * h, outH), h1 = ceilDiv((i + 1) * h, outH);
                for (int j = 0; j < outW; j++) {
                    int w0 = Math.floorDiv(j * w, outW), w1 = ceilDiv((j + 1) * w, outW);
                    float sum = 0;
                    for (int r = h0; r < h1; r++)
                        for (int s = w0; s < w1; s++) sum += x[(map * h + r) * w + s];
                    y[(map * outH + i) * outW + j] = sum / ((h1 - h0) * (w1 - w0));
                }
            }
        }
        return y;
    }
    // end::adaptive[]

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
