package dev.nin.train;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Central finite differences of a scalar loss, compared with a backward pass's gradient.
 *
 * <p>The loss is evaluated in double ({@link DoubleForward}), so rounding adds about 1e-16 / h to a difference
 * quotient. ReLU and max pooling make the loss non-smooth, and a step that crosses one of their kinks measures
 * a secant, not a derivative. Each evaluation reports its kink decisions (the sign of every ReLU input, the
 * position every max pooling picks); a step is used only when x − h, x and x + h take the same decisions. Then
 * the whole segment lies on one smooth piece (a piece is convex along any single coordinate), the loss there is
 * a linear function's softmax cross-entropy or linear itself, and the central difference is exact up to
 * h²/6 · f''' (below 1e-7 at h = 1e-3 for these networks). A step that crosses a kink is halved until it does
 * not, down to {@link #H_MIN}; this detector is exact, where the former one (one-sided differences disagreeing
 * by more than a threshold) missed kinks whose effects on the two sides cancelled.
 */
final class FiniteDifferences {
    /** The first step tried; halved while it crosses a kink. */
    static final float H = 1e-3f;
    /** Ten halvings: rounding in double is still about 1e-10 here; a point this close to a kink is skipped. */
    static final float H_MIN = H / 1024;

    private FiniteDifferences() {
    }

    /** A loss value and the kink decisions its evaluation took. */
    record Evaluation(double loss, int[] decisions) {
        boolean onSamePieceAs(Evaluation other) {
            return Arrays.equals(decisions, other.decisions);
        }
    }

    /**
     * @param point    the values being varied (modified and restored)
     * @param upload   writes point to wherever the loss reads it
     * @param loss     evaluates the loss at the current point
     * @param analytic the gradient from backward, same length as point
     * @return how many coordinates were checked (not skipped for sitting within {@link #H_MIN} of a kink)
     */
    static int check(String what, float[] point, Consumer<float[]> upload, Supplier<Evaluation> loss,
                     float[] analytic, int[] coordinates, double absTolerance, double relTolerance) {
        int checked = 0;
        for (int i : coordinates) {
            float x = point[i];
            Evaluation center = evaluate(point, i, x, upload, loss);
            for (float h = H; h >= H_MIN; h /= 2) {
                float up = x + h, down = x - h;  // the step actually taken is measured from these floats
                Evaluation fUp = evaluate(point, i, up, upload, loss), fDown = evaluate(point, i, down, upload, loss);
                if (!fUp.onSamePieceAs(center) || !fDown.onSamePieceAs(center)) continue;
                double central = (fUp.loss() - fDown.loss()) / ((double) up - down);
                assertThat((double) analytic[i])
                        .as("%s[%d]: backward %s vs central difference %s (h = %s)", what, i, analytic[i], central, h)
                        .isCloseTo(central, within(absTolerance + relTolerance * Math.abs(central)));
                checked++;
                break;
            }
            point[i] = x;
            upload.accept(point);
        }
        return checked;
    }

    private static Evaluation evaluate(float[] point, int i, float value, Consumer<float[]> upload, Supplier<Evaluation> loss) {
        point[i] = value;
        upload.accept(point);
        return loss.get();
    }
}
