package dev.nin.train;

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
    };

    /** The weights' variance for a layer with these fans (fan = channels × kernel height × kernel width). */
    public abstract double variance(int fanIn, int fanOut);

    /** The bound b of the uniform U(−b, b) that has {@link #variance}: b²/3 = variance. */
    public double uniformBound(int fanIn, int fanOut) {
        return Math.sqrt(3 * variance(fanIn, fanOut));
    }
    // end::init[]

    /** The name the command line and the run records use: "xavier", "kaiming". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #label()}, naming the choices when the name is none of them. */
    public static WeightInit parse(String name) {
        for (WeightInit w : values()) if (w.label().equals(name)) return w;
        throw new IllegalArgumentException("--init must be xavier or kaiming, got '" + name + "'");
    }
}
