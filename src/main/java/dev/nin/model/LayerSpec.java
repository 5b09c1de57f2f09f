package dev.nin.model;

/**
 * One layer of a network description. Pure data: no arrays, no engine. Shapes, counting, the book and
 * both training engines read the same description, so there is one NiN, not one per use.
 */
public sealed interface LayerSpec {

    /** The output shape for an input shape; throws {@link IllegalArgumentException} when the input cannot pass. */
    Shape outputShape(Shape input);

    /** The layer's name as the book and the shape trace print it. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** A short label for tables, e.g. {@code Conv2d(1→96, 11×11, stride 4, pad 0)}. */
    default String label() {
        return switch (this) {
            case Conv2d c -> "Conv2d(%d→%d, %d×%d, stride %d, pad %d)".formatted(
                    c.inChannels(), c.outChannels(), c.kernel(), c.kernel(), c.stride(), c.padding());
            case Linear l -> "Linear(%d→%d)".formatted(l.inFeatures(), l.outFeatures());
            case MaxPool2d m -> "MaxPool2d(%d×%d, stride %d)".formatted(m.kernel(), m.kernel(), m.stride());
            case Dropout d -> "Dropout(%s)".formatted(d.p());
            default -> name();
        };
    }

    /** A 2-D convolution with a square kernel, stride and zero padding, with bias. */
    record Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) implements LayerSpec {
        public Conv2d {
            if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
                throw new IllegalArgumentException("invalid convolution " + inChannels + "->" + outChannels
                        + " kernel " + kernel + " stride " + stride + " padding " + padding);
            }
        }

        @Override
        public Shape outputShape(Shape in) {
            requireImage(in, this);
            if (in.dim(1) != inChannels) {
                throw new IllegalArgumentException(this + " expects " + inChannels + " input channels, got " + in);
            }
            return Shape.of(in.dim(0), outChannels, out(in.dim(2)), out(in.dim(3)));
        }

        private int out(int size) {
            int o = Math.floorDiv(size + 2 * padding - kernel, stride) + 1;
            if (o <= 0) {
                throw new IllegalArgumentException("input size " + size + " is too small for " + this
                        + " (needs at least " + (kernel - 2 * padding) + ")");
            }
            return o;
        }

        /** Weights are (out, in, k, k), PyTorch's OIHW layout, in every engine's host copy. */
        public Shape weightShape() {
            return Shape.of(outChannels, inChannels, kernel, kernel);
        }

        public Shape biasShape() {
            return Shape.of(outChannels);
        }
    }

    /** max(0, x), element by element. */
    record ReLU() implements LayerSpec {
        @Override
        public Shape outputShape(Shape in) {
            return in;
        }
    }

    /** Max pooling over square windows, no padding (PyTorch's {@code MaxPool2d(kernel, stride)}). */
    record MaxPool2d(int kernel, int stride) implements LayerSpec {
        public MaxPool2d {
            if (kernel <= 0 || stride <= 0) throw new IllegalArgumentException("invalid pooling " + kernel + "/" + stride);
        }

        @Override
        public Shape outputShape(Shape in) {
            requireImage(in, this);
            int h = (in.dim(2) - kernel) / stride + 1, w = (in.dim(3) - kernel) / stride + 1;
            if (in.dim(2) < kernel || in.dim(3) < kernel) {
                throw new IllegalArgumentException("input " + in + " is smaller than the " + kernel + "x" + kernel + " window of " + this);
            }
            return Shape.of(in.dim(0), in.dim(1), h, w);
        }
    }

    /** Zeroes each element with probability p while training and scales the rest by 1/(1-p); identity in evaluation. */
    record Dropout(double p) implements LayerSpec {
        public Dropout {
            if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1): " + p);
        }

        @Override
        public Shape outputShape(Shape in) {
            return in;
        }
    }

    /** The mean over all spatial positions of each channel: (N, C, H, W) to (N, C, 1, 1). */
    record GlobalAvgPool() implements LayerSpec {
        @Override
        public Shape outputShape(Shape in) {
            requireImage(in, this);
            return Shape.of(in.dim(0), in.dim(1), 1, 1);
        }
    }

    /** (N, C, H, W) to (N, C·H·W). */
    record Flatten() implements LayerSpec {
        @Override
        public Shape outputShape(Shape in) {
            return Shape.of(in.dim(0), (int) (in.size() / in.dim(0)));
        }
    }

    /** A fully connected (dense) layer y = x·Wᵀ + b on (N, in) inputs; AlexNet's classifier uses three. */
    record Linear(int inFeatures, int outFeatures) implements LayerSpec {
        public Linear {
            if (inFeatures <= 0 || outFeatures <= 0) {
                throw new IllegalArgumentException("invalid dense layer " + inFeatures + "->" + outFeatures);
            }
        }

        @Override
        public Shape outputShape(Shape in) {
            if (in.rank() != 2 || in.dim(1) != inFeatures) {
                throw new IllegalArgumentException(this + " needs an (N, " + inFeatures + ") input, got " + in);
            }
            return Shape.of(in.dim(0), outFeatures);
        }

        /** Weights are (out, in), PyTorch's layout. */
        public Shape weightShape() {
            return Shape.of(outFeatures, inFeatures);
        }

        public Shape biasShape() {
            return Shape.of(outFeatures);
        }
    }

    private static void requireImage(Shape in, LayerSpec layer) {
        if (in.rank() != 4) throw new IllegalArgumentException(layer + " needs an (N, C, H, W) input, got " + in);
    }
}
