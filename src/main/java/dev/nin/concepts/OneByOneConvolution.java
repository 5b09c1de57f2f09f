package dev.nin.concepts;

/**
 * A 1×1 convolution is a dense layer applied to every pixel (1×1卷积层): each pixel is a sample, its
 * channels are the features. Three ways to compute the same thing on (N, C_in, H, W) images, row-major
 * NCHW float arrays, with weights W of shape (C_out, C_in) and bias b of length C_out.
 */
public final class OneByOneConvolution {

    private OneByOneConvolution() {
    }

    // tag::dense[]
    /** The dense layer y = x·Wᵀ + b on (rows, C_in) inputs. */
    public static float[] dense(float[] x, int rows, float[] w, float[] b, int cIn, int cOut) {
        float[] y = new float[rows * cOut];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < cOut; o++) {
                float s = b[o];
                for (int c = 0; c < cIn; c++) s += w[o * cIn + c] * x[r * cIn + c];
                y[r * cOut + o] = s;
            }
        }
        return y;
    }
    // end::dense[]

    // tag::per-pixel[]
    /** The dense layer applied at each pixel on its own: gather the pixel's channels, transform, scatter. */
    public static float[] densePerPixel(float[] x, int n, int cIn, int h, int wd,
                                        float[] w, float[] b, int cOut) {
        float[] y = new float[n * cOut * h * wd];
        float[] pixel = new float[cIn];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < h * wd; p++) {
                for (int c = 0; c < cIn; c++) pixel[c] = x[(i * cIn + c) * h * wd + p];
                float[] out = dense(pixel, 1, w, b, cIn, cOut);
                for (int o = 0; o < cOut; o++) y[(i * cOut + o) * h * wd + p] = out[o];
            }
        }
        return y;
    }
    // end::per-pixel[]

    // tag::matrix-product[]
    /** Reshape to (N·H·W, C_in), one row per pixel; multiply by Wᵀ, add b; reshape back to (N, C_out, H, W). */
    public static float[] asMatrixProduct(float[] x, int n, int cIn, int h, int wd,
                                          float[] w, float[] b, int cOut) {
        int hw = h * wd;
        float[] rows = new float[n * hw * cIn];            // NCHW → (N·H·W, C_in)
        for (int i = 0; i < n; i++)
            for (int c = 0; c < cIn; c++)
                for (int p = 0; p < hw; p++) rows[(i * hw + p) * cIn + c] = x[(i * cIn + c) * hw + p];
        float[] product = dense(rows, n * hw, w, b, cIn, cOut); // (N·H·W, C_out)
        float[] y = new float[n * cOut * hw];                 // back to NCHW
        for (int i = 0; i < n; i++)
            for (int o = 0; o < cOut; o++)
                for (int p = 0; p < hw; p++) y[(i * cOut + o) * hw + p] = product[(i * hw + p) * cOut + o];
        return y;
    }
    // end::matrix-product[]
}
