package dev.nin.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a convolution's weights start: uniform on ±bound, the bound chosen so the weights have a variance
 * that keeps the signal's scale from layer to layer (a uniform on ±b has variance b²/3).
 *
 * <p>{@link #XAVIER} is the chapter's ({@code nn.init.xavier_uniform_}): variance 2/(fan_in + fan_out),
 * which keeps the variance of a linear layer's output and of its gradient alike. A ReLU zeroes half of
 * its input, halving the signal's second moment, and NiN has twelve convolutions each followed by one:
 * the class scores start tiny and nearly equal, the loss sits at ln 10 until the early layers' small
 * gradients have grown them. {@link #KAIMING} ({@code nn.init.kaiming_uniform_(w, nonlinearity='relu')},
 * He et al. 2015) doubles the variance to 2/fan_in to make up for the ReLU's half.
 *
 * <p>{@link #KAIMING_LIVE_CLASSES} is Kaiming with one change, in the class layer: the last convolution, whose ten
 * output channels are the classes (类别) that global average pooling turns into scores. There the weights start at
 * zero and every bias at {@link #CLASS_LAYER_BIAS}, so each class channel's ReLU starts open on every image and all
 * classes score alike (loss ln 10). Drawn at random, a class channel whose score starts above the others' is pushed
 * down on the nine images in ten that are not its class; in short runs at resize 72 one or two such channels went
 * below zero on every image and stayed shut, and their classes were never predicted again. Zero weights have no
 * such bias: their gradient pulls a class channel towards its own images' features and away from the others'.
 */
// tag::init[]
public enum WeightInit {
    XAVIER {
        @Override
        public double variance(int fanIn, int fanOut) {
            return 2.0 / (fanIn + fanOut);
        }
    },
    KAIMING {
        @Override
        public double variance(int fanIn, int fanOut) {
            return 2.0 / fanIn;
        }
    },
    KAIMING_LIVE_CLASSES {
        @Override
        public double variance(int fanIn, int fanOut) {
            return 2.0 / fanIn;
        }

        @Override
        public boolean opensClassLayer() {
            return true;
        }
    };

    /** The class layer's biases under {@link #KAIMING_LIVE_CLASSES}: any positive value opens every ReLU; 0.5 leaves room. */
    public static final float CLASS_LAYER_BIAS = 0.5f;

    /** The weights' variance for a layer with these fans (fan = channels × kernel height × kernel width). */
    public abstract double variance(int fanIn, int fanOut);

    /** Whether the class layer (the last convolution) starts with zero weights and biases {@link #CLASS_LAYER_BIAS}. */
    public boolean opensClassLayer() {
        return false;
    }

    /** The bound b of the uniform U(−b, b) that has {@link #variance}: b²/3 = variance. */
    public double uniformBound(int fanIn, int fanOut) {
        return Math.sqrt(3 * variance(fanIn, fanOut));
    }
    // end::init[]

    /** The name the command line and the run records use: "xavier", "kaiming", "kaiming-live-classes". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #label()}, naming the choices when the name is none of them. */
    public static WeightInit parse(String name) {
        for (WeightInit w : values()) if (w.label().equals(name)) return w;
        throw new IllegalArgumentException("--init must be one of " + Arrays.stream(values()).map(WeightInit::label).toList() + ", got '" + name + "'");
    }
}
