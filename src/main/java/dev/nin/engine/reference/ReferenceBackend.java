package dev.nin.engine.reference;

import dev.nin.data.Resize;
import dev.nin.engine.Backend;
import dev.nin.engine.DropoutMask;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;

import java.util.Map;

/**
 * Every operation of {@link Backend} written as the plain loops that define it. Slow and obvious on
 * purpose: tests use it as the oracle that the ND4J and cuDNN backends must agree with. Accumulates in
 * double so that it is the more precise side of every comparison.
 */
public final class ReferenceBackend implements Backend {

    /** A tensor backed by a Java array; views share the array. */
    public record HostTensor(Shape shape, float[] data) implements Tensor {
    }

    private long allocated;
    private long peak;

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String device() {
        return Runtime.getRuntime().availableProcessors() + " cores, plain Java loops";
    }

    @Override
    public Map<String, String> provenance() {
        return Map.of("java", Runtime.version().toString());
    }

    @Override
    public Tensor allocate(Shape shape) {
        if (shape.size() > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large for the reference backend: " + shape);
        allocated += 4 * shape.size();
        peak = Math.max(peak, allocated);
        return new HostTensor(shape, new float[(int) shape.size()]);
    }

    @Override
    public Tensor view(Tensor t, Shape shape) {
        if (shape.size() > t.size()) throw new IllegalArgumentException("cannot view " + t.shape() + " as the larger " + shape);
        return new HostTensor(shape, a(t));
    }

    /** The number of elements an operation touches: a view may see only a prefix of its array. */
    static int n(Tensor t) {
        return (int) t.size();
    }

    static float[] a(Tensor t) {
        return ((HostTensor) t).data();
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        if (src.length < dst.size()) throw new IllegalArgumentException("upload: " + src.length + " values for " + dst.shape());
        System.arraycopy(src, 0, a(dst), 0, (int) dst.size());
    }

    @Override
    public void download(Tensor src, float[] dst) {
        System.arraycopy(a(src), 0, dst, 0, (int) src.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        java.util.Arrays.fill(a(t), 0, n(t), value);
    }

    @Override
    public void conv2dForward(Tensor x, Tensor w, Tensor b, int stride, int pad, Tensor y) {
        int n = x.shape().dim(0), c = x.shape().dim(1), h = x.shape().dim(2), wd = x.shape().dim(3);
        int o = w.shape().dim(0), k = w.shape().dim(2);
        int oh = y.shape().dim(2), ow = y.shape().dim(3);
        float[] X = a(x), W = a(w), B = a(b), Y = a(y);
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double s = B[oc];
                        for (int ci = 0; ci < c; ci++)
                            for (int p = 0; p < k; p++) {
                                int yy = i * stride - pad + p;
                                if (yy < 0 || yy >= h) continue;
                                for (int q = 0; q < k; q++) {
                                    int xx = j * stride - pad + q;
                                    if (xx < 0 || xx >= wd) continue;
                                    s += (double) X[((ni * c + ci) * h + yy) * wd + xx] * W[((oc * c + ci) * k + p) * k + q];
                                }
                            }
                        Y[((ni * o + oc) * oh + i) * ow + j] = (float) s;
                    }
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, int stride, int pad, Tensor dx) {
        int n = dx.shape().dim(0), c = dx.shape().dim(1), h = dx.shape().dim(2), wd = dx.shape().dim(3);
        int o = w.shape().dim(0), k = w.shape().dim(2);
        int oh = dy.shape().dim(2), ow = dy.shape().dim(3);
        float[] DY = a(dy), W = a(w);
        double[] acc = new double[(int) dx.size()];
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double g = DY[((ni * o + oc) * oh + i) * ow + j];
                        for (int ci = 0; ci < c; ci++)
                            for (int p = 0; p < k; p++) {
                                int yy = i * stride - pad + p;
                                if (yy < 0 || yy >= h) continue;
                                for (int q = 0; q < k; q++) {
                                    int xx = j * stride - pad + q;
                                    if (xx < 0 || xx >= wd) continue;
                                    acc[((ni * c + ci) * h + yy) * wd + xx] += g * W[((oc * c + ci) * k + p) * k + q];
                                }
                            }
                    }
        store(acc, dx);
    }

    @Override
    public void conv2dBackwardFilter(Tensor x, Tensor dy, int stride, int pad, Tensor dw, Tensor db) {
        int n = x.shape().dim(0), c = x.shape().dim(1), h = x.shape().dim(2), wd = x.shape().dim(3);
        int o = dw.shape().dim(0), k = dw.shape().dim(2);
        int oh = dy.shape().dim(2), ow = dy.shape().dim(3);
        float[] X = a(x), DY = a(dy);
        double[] gw = new double[(int) dw.size()], gb = new double[o];
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double g = DY[((ni * o + oc) * oh + i) * ow + j];
                        gb[oc] += g;
                        for (int ci = 0; ci < c; ci++)
                            for (int p = 0; p < k; p++) {
                                int yy = i * stride - pad + p;
                                if (yy < 0 || yy >= h) continue;
                                for (int q = 0; q < k; q++) {
                                    int xx = j * stride - pad + q;
                                    if (xx < 0 || xx >= wd) continue;
                                    gw[((oc * c + ci) * k + p) * k + q] += g * X[((ni * c + ci) * h + yy) * wd + xx];
                                }
                            }
                    }
        store(gw, dw);
        store(gb, db);
    }

    private static void store(double[] acc, Tensor t) {
        float[] T = a(t);
        for (int i = 0; i < acc.length; i++) T[i] = (float) acc[i];
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        float[] X = a(x), Y = a(y);
        for (int i = 0; i < n(x); i++) Y[i] = Math.max(0f, X[i]);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        float[] Y = a(y), DY = a(dy), DX = a(dx);
        for (int i = 0; i < n(y); i++) DX[i] = Y[i] > 0 ? DY[i] : 0f;
    }

    @Override
    public void maxPool2d(Tensor x, int k, int s, Tensor y) {
        int nc = x.shape().dim(0) * x.shape().dim(1), h = x.shape().dim(2), w = x.shape().dim(3);
        int oh = y.shape().dim(2), ow = y.shape().dim(3);
        float[] X = a(x), Y = a(y);
        for (int m = 0; m < nc; m++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    Y[(m * oh + i) * ow + j] = X[argmax(X, m, h, w, i * s, j * s, k)];
                }
    }

    /** Index of the first maximum of a window, in row-major order. */
    private static int argmax(float[] X, int m, int h, int w, int y0, int x0, int k) {
        int best = (m * h + y0) * w + x0;
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++) {
                int idx = (m * h + y0 + p) * w + x0 + q;
                if (X[idx] > X[best]) best = idx;
            }
        return best;
    }

    @Override
    public void maxPool2dBackward(Tensor x, Tensor y, Tensor dy, int k, int s, Tensor dx) {
        int nc = x.shape().dim(0) * x.shape().dim(1), h = x.shape().dim(2), w = x.shape().dim(3);
        int oh = dy.shape().dim(2), ow = dy.shape().dim(3);
        float[] X = a(x), DY = a(dy), DX = a(dx);
        java.util.Arrays.fill(DX, 0, n(dx), 0f);
        for (int m = 0; m < nc; m++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    DX[argmax(X, m, h, w, i * s, j * s, k)] += DY[(m * oh + i) * ow + j];
                }
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        float[] X = a(x), M = a(mask), Y = a(y);
        for (int i = 0; i < n(x); i++) {
            M[i] = DropoutMask.value(seed, i, p);
            Y[i] = X[i] * M[i];
        }
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        float[] DY = a(dy), M = a(mask), DX = a(dx);
        for (int i = 0; i < n(dy); i++) DX[i] = DY[i] * M[i];
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y) {
        int nc = x.shape().dim(0) * x.shape().dim(1), hw = x.shape().dim(2) * x.shape().dim(3);
        float[] X = a(x), Y = a(y);
        for (int m = 0; m < nc; m++) {
            double s = 0;
            for (int i = 0; i < hw; i++) s += X[m * hw + i];
            Y[m] = (float) (s / hw);
        }
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx) {
        int nc = dx.shape().dim(0) * dx.shape().dim(1), hw = dx.shape().dim(2) * dx.shape().dim(3);
        float[] DY = a(dy), DX = a(dx);
        for (int m = 0; m < nc; m++)
            for (int i = 0; i < hw; i++) DX[m * hw + i] = DY[m] / hw;
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats) {
        int n = logits.shape().dim(0), k = (int) (logits.size() / n);
        softmaxCrossEntropy(a(logits), a(labels), n, k, dlogits == null ? null : a(dlogits), a(stats));
    }

    /**
     * The loss on plain arrays: Z (n, k) logits, L (n) labels; adds the summed loss and the number correct to
     * S[0] and S[1]; writes (softmax − one-hot) / n into D unless D is null. The CPU backend calls it too.
     */
    public static void softmaxCrossEntropy(float[] Z, float[] L, int n, int k, float[] D, float[] S) {
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < n; r++) {
            int label = (int) L[r], best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                if (Z[r * k + j] > max) {
                    max = Z[r * k + j];
                    best = j;
                }
            }
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.exp(Z[r * k + j] - max);
            loss += Math.log(sum) - (Z[r * k + label] - max);
            if (best == label) correct++;
            if (D != null) {
                for (int j = 0; j < k; j++) {
                    double p = Math.exp(Z[r * k + j] - max) / sum;
                    D[r * k + j] = (float) ((p - (j == label ? 1 : 0)) / n);
                }
            }
        }
        S[0] += (float) loss;
        S[1] += correct;
    }

    @Override
    public void sgdStep(Tensor w, Tensor dw, float lr) {
        float[] W = a(w), G = a(dw);
        for (int i = 0; i < n(w); i++) W[i] -= lr * G[i];
    }

    @Override
    public void sgdMomentumStep(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay) {
        Backend.requireMomentumArguments(w, dw, velocity, momentum);
        float[] W = a(w), G = a(dw), V = velocity == null ? null : a(velocity);
        for (int i = 0; i < n(w); i++) {
            float d = weightDecay == 0 ? G[i] : G[i] + weightDecay * W[i];
            if (V != null) d = V[i] = momentum * V[i] + d;
            W[i] -= lr * d;
        }
    }

    @Override
    public void resizeBilinear(Tensor src, Tensor dst) {
        // the formula lives in data.Resize, so that batches resized on the host and here agree bit for bit
        int nc = src.shape().dim(0) * src.shape().dim(1), h = src.shape().dim(2), w = src.shape().dim(3);
        int oh = dst.shape().dim(2), ow = dst.shape().dim(3);
        float[] S = a(src), D = a(dst);
        for (int m = 0; m < nc; m++) Resize.bilinear(S, m * h * w, h, w, D, m * oh * ow, oh, ow);
    }

    @Override
    public void scale(Tensor t, float c) {
        float[] T = a(t);
        for (int i = 0; i < n(t); i++) T[i] *= c;
    }

    @Override
    public double sumOfSquares(Tensor t) {
        double s = 0;
        float[] T = a(t);
        for (int i = 0; i < n(t); i++) s += (double) T[i] * T[i];
        return s;
    }

    @Override
    public long peakMemoryBytes() {
        return peak;
    }

    @Override
    public void close() {
    }
}
