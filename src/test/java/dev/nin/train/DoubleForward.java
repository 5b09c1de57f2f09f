package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.DropoutMask;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A network's forward pass written again as plain loops in double precision, from its spec and the current
 * float values of its parameters: the function whose finite differences the backward pass must match.
 *
 * <p>Why a second forward pass: the engine stores every activation in float (relative rounding 6e-8), and a
 * central difference divides the loss's rounding error by 2h. At h = 1e-3 the float and the double quotients
 * differed by up to 2.4e-5 (measured on 400 networks, 19,200 coordinates), but a fifth of those steps cross a
 * ReLU or pooling kink and must shrink, to 1e-6 at worst, where float rounding would swamp the derivative. In
 * double the noise is about 1e-16 / h, so the tolerance is left to cover the backward pass alone.
 *
 * <p>It also records every decision that makes the loss non-smooth, the {@linkplain Decisions kinks}: the sign
 * of each ReLU's input and the window position each max pooling picks. Between two points with the same
 * decisions the network is affine in any single weight or input (the pattern's region is convex), so the loss
 * is smooth on the whole segment and a central difference measures its derivative.
 */
final class DoubleForward {

    /** The outcome of one pass: the layer outputs (the last is the logits) and the kink decisions taken. */
    record Pass(List<double[]> outputs, int[] decisions) {
        double[] logits() {
            return outputs.getLast();
        }
    }

    /** One layer of the network as a double-precision operation on (N, C, H, W) arrays. */
    interface Step {
        Shape outputShape(Shape in);

        double[] apply(double[] x, Shape in, IntStream.Builder decisions);

        /**
         * The decisions this step takes on input x and output y, recorded the same way from any precision; a
         * step without a kink (dropout with its mask fixed, pooling by averaging, flatten) takes none.
         */
        default void decide(double[] x, Shape in, double[] y, IntStream.Builder decisions) {
        }
    }

    private final List<Step> steps = new ArrayList<>();

    /**
     * @param dropoutStepSeed the seed given to {@link Network#reseedDropout}; the i-th dropout layer draws its
     *                        mask from {@code DropoutMask.mix(dropoutStepSeed + i)}, as the network does
     */
    DoubleForward(Network net, NetworkSpec spec, long dropoutStepSeed) {
        Backend b = net.backend();
        Map<String, Parameter> parameters = net.parameters().stream()
                .collect(Collectors.toMap(Parameter::name, Function.identity()));
        int dropouts = 0;
        for (int si = 0; si < spec.stages().size(); si++) {
            List<LayerSpec> ls = spec.stages().get(si).layers();
            for (int li = 0; li < ls.size(); li++) {
                boolean reluNext = li + 1 < ls.size() && ls.get(li + 1) instanceof LayerSpec.ReLU;
                switch (ls.get(li)) {
                    case LayerSpec.Conv2d c -> {
                        steps.add(conv(b, c, reluNext, parameters.get(si + "." + li + ".weight"), parameters.get(si + "." + li + ".bias")));
                        if (reluNext) li++;  // fused, as in Network
                    }
                    case LayerSpec.ReLU r -> steps.add(relu());
                    case LayerSpec.MaxPool2d m -> steps.add(maxPool(m.kernel(), m.stride()));
                    case LayerSpec.Dropout d -> steps.add(dropout(DropoutMask.mix(dropoutStepSeed + dropouts++), (float) d.p()));
                    case LayerSpec.GlobalAvgPool g -> steps.add(globalAveragePooling());
                    case LayerSpec.Flatten f -> steps.add(flatten());
                    case LayerSpec.Linear f -> throw new IllegalArgumentException("no dense layers in NiN");
                }
            }
        }
        if (steps.size() != net.layers().size()) {
            throw new IllegalStateException(steps.size() + " steps for the network's " + net.layers().size() + " layers");
        }
    }

    /** The forward pass in double on an input of this shape. */
    Pass run(float[] input, Shape shape) {
        IntStream.Builder decisions = IntStream.builder();
        List<double[]> outputs = new ArrayList<>();
        double[] x = widen(input);
        for (Step s : steps) {
            x = s.apply(x, shape, decisions);
            shape = s.outputShape(shape);
            outputs.add(x);
        }
        return new Pass(outputs, decisions.build().toArray());
    }

    /** The decisions the network's own float forward pass took on this input (run again here, with a probe). */
    int[] decisionsOf(Network net, Tensor x) {
        Backend b = net.backend();
        List<double[]> outputs = new ArrayList<>();
        net.forward(x, true, (layer, y) -> outputs.add(widen(download(b, y))));
        IntStream.Builder decisions = IntStream.builder();
        Shape shape = x.shape();
        double[] in = widen(download(b, x));
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).decide(in, shape, outputs.get(i), decisions);
            in = outputs.get(i);
            shape = steps.get(i).outputShape(shape);
        }
        return decisions.build().toArray();
    }

    /** The mean cross-entropy of logits (n rows) against the classes, in double. */
    static double meanCrossEntropy(double[] z, float[] classes) {
        int n = classes.length, k = z.length / n;
        double total = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < k; j++) max = Math.max(max, z[r * k + j]);
            for (int j = 0; j < k; j++) sum += Math.exp(z[r * k + j] - max);
            total += Math.log(sum) + max - z[r * k + (int) classes[r]];
        }
        return total / n;
    }

    // ------------------------------------------------------------------ the layers, in double

    /** A convolution with bias, optionally with its ReLU; reads the parameters' current values on every pass. */
    static Step conv(Backend b, LayerSpec.Conv2d spec, boolean relu, Parameter weight, Parameter bias) {
        return new Step() {
            public Shape outputShape(Shape in) {
                return spec.outputShape(in);
            }

            public double[] apply(double[] x, Shape in, IntStream.Builder decisions) {
                double[] y = conv(x, in, download(b, weight.value()), download(b, bias.value()), spec);
                if (relu) {
                    decide(x, in, y, decisions);
                    for (int i = 0; i < y.length; i++) y[i] = Math.max(0, y[i]);
                }
                return y;
            }

            /** The ReLU's decision: its input is positive; the output is positive exactly then. */
            public void decide(double[] x, Shape in, double[] y, IntStream.Builder decisions) {
                if (relu) for (double v : y) decisions.add(v > 0 ? 1 : 0);
            }
        };
    }

    static double[] conv(double[] x, Shape in, float[] w, float[] bias, LayerSpec.Conv2d spec) {
        int n = in.dim(0), c = in.dim(1), h = in.dim(2), wd = in.dim(3), k = spec.kernel(), s = spec.stride(), p = spec.padding();
        Shape out = spec.outputShape(in);
        int o = out.dim(1), oh = out.dim(2), ow = out.dim(3);
        double[] y = new double[(int) out.size()];
        for (int ni = 0; ni < n; ni++)
            for (int oc = 0; oc < o; oc++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double sum = bias[oc];
                        for (int ci = 0; ci < c; ci++)
                            for (int a = 0; a < k; a++)
                                for (int q = 0; q < k; q++) {
                                    int yy = i * s - p + a, xx = j * s - p + q;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                                        sum += x[((ni * c + ci) * h + yy) * wd + xx] * w[((oc * c + ci) * k + a) * k + q];
                                    }
                                }
                        y[((ni * o + oc) * oh + i) * ow + j] = sum;
                    }
        return y;
    }

    static Step relu() {
        return new Step() {
            public Shape outputShape(Shape in) {
                return in;
            }

            public double[] apply(double[] x, Shape in, IntStream.Builder decisions) {
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]);
                decide(x, in, y, decisions);
                return y;
            }

            public void decide(double[] x, Shape in, double[] y, IntStream.Builder decisions) {
                for (double v : x) decisions.add(v > 0 ? 1 : 0);
            }
        };
    }

    /** Max pooling; its decision is the position of each window's first maximum (the reference backend's rule). */
    static Step maxPool(int k, int s) {
        return new Step() {
            public Shape outputShape(Shape in) {
                return new LayerSpec.MaxPool2d(k, s).outputShape(in);
            }

            public double[] apply(double[] x, Shape in, IntStream.Builder decisions) {
                Shape out = outputShape(in);
                int nc = in.dim(0) * in.dim(1), h = in.dim(2), w = in.dim(3), oh = out.dim(2), ow = out.dim(3);
                double[] y = new double[(int) out.size()];
                for (int m = 0; m < nc; m++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            int best = argmax(x, m, h, w, i * s, j * s);
                            decisions.add(best);
                            y[(m * oh + i) * ow + j] = x[(m * h + i * s + best / k) * w + j * s + best % k];
                        }
                return y;
            }

            public void decide(double[] x, Shape in, double[] y, IntStream.Builder decisions) {
                Shape out = outputShape(in);
                int nc = in.dim(0) * in.dim(1), h = in.dim(2), w = in.dim(3), oh = out.dim(2), ow = out.dim(3);
                for (int m = 0; m < nc; m++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) decisions.add(argmax(x, m, h, w, i * s, j * s));
            }

            private int argmax(double[] x, int m, int h, int w, int y0, int x0) {
                int best = 0;
                for (int p = 0; p < k * k; p++) {
                    if (x[(m * h + y0 + p / k) * w + x0 + p % k] > x[(m * h + y0 + best / k) * w + x0 + best % k]) best = p;
                }
                return best;
            }
        };
    }

    /** Dropout with the mask the backends draw for this seed; no decisions (the mask does not depend on x). */
    static Step dropout(long seed, float p) {
        return new Step() {
            public Shape outputShape(Shape in) {
                return in;
            }

            public double[] apply(double[] x, Shape in, IntStream.Builder decisions) {
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = x[i] * DropoutMask.value(seed, i, p);
                return y;
            }
        };
    }

    static Step globalAveragePooling() {
        return new Step() {
            public Shape outputShape(Shape in) {
                return new LayerSpec.GlobalAvgPool().outputShape(in);
            }

            public double[] apply(double[] x, Shape in, IntStream.Builder decisions) {
                int nc = in.dim(0) * in.dim(1), hw = in.dim(2) * in.dim(3);
                double[] y = new double[nc];
                for (int m = 0; m < nc; m++) {
                    for (int i = 0; i < hw; i++) y[m] += x[m * hw + i];
                    y[m] /= hw;
                }
                return y;
            }
        };
    }

    static Step flatten() {
        return new Step() {
            public Shape outputShape(Shape in) {
                return new LayerSpec.Flatten().outputShape(in);
            }

            public double[] apply(double[] x, Shape in, IntStream.Builder decisions) {
                return x;
            }
        };
    }

    static float[] download(Backend b, Tensor t) {
        float[] values = new float[(int) t.size()];
        b.download(t, values);
        return values;
    }

    static double[] widen(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return d;
    }
}
