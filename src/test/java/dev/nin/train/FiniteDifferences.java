package dev.nin.train;

import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Central finite differences of a scalar loss, compared with a backward pass's gradient.
 *
 * <p>Precision: the backend stores float32 (the reference backend accumulates in double), the loss is
 * summed in double on the host from the float outputs. A step h = 1e-2 keeps the rounding error of the
 * outputs (about 6e-8 relative) below 1e-5 after division by 2h, while the truncation error of the central
 * difference, h²/6 · f''', stays below 1e-4 for the smooth pieces of these networks. The step actually
 * taken is measured from the float values, since x ± h is rounded to float.
 *
 * <p>ReLU and max pooling have kinks; a step that crosses one measures a secant, not a derivative. Such a
 * coordinate is recognised by its forward and backward one-sided differences disagreeing and is skipped;
 * the caller asserts that most coordinates were checked.
 */
final class FiniteDifferences {
    static final float H = 1e-2f;

    private FiniteDifferences() {
    }

    /**
     * @param point    the values being varied (modified and restored)
     * @param upload   writes point to the backend
     * @param loss     runs the forward pass and returns the loss
     * @param analytic the gradient from backward, same length as point
     * @param kink     how far the one-sided differences may disagree before the step counts as crossing a
     *                 kink: h·|f''| on smooth pieces, so 0-ish for piecewise linear losses, larger for softmax
     * @return how many coordinates were checked (not skipped as crossing a kink)
     */
    static int check(String what, float[] point, Consumer<float[]> upload, DoubleSupplier loss,
                     float[] analytic, int[] coordinates, double kink, double absTolerance, double relTolerance) {
        return check(what, H, point, upload, loss, analytic, coordinates, kink, absTolerance, relTolerance);
    }

    /** As above with a step h of one's own. */
    static int check(String what, float h, float[] point, Consumer<float[]> upload, DoubleSupplier loss,
                     float[] analytic, int[] coordinates, double kink, double absTolerance, double relTolerance) {
        int checked = 0;
        for (int i : coordinates) {
            float x = point[i];
            double center = evaluate(point, i, x, upload, loss);
            float up = x + h, down = x - h;
            double fUp = evaluate(point, i, up, upload, loss);
            double fDown = evaluate(point, i, down, upload, loss);
            point[i] = x;
            upload.accept(point);
            double forward = (fUp - center) / (up - x), backward = (center - fDown) / (x - down);
            if (Math.abs(forward - backward) > kink) continue;
            double central = (fUp - fDown) / ((double) up - down);
            assertThat((double) analytic[i])
                    .as("%s[%d]: backward %s vs central difference %s", what, i, analytic[i], central)
                    .isCloseTo(central, within(absTolerance + relTolerance * Math.abs(central)));
            checked++;
        }
        return checked;
    }

    private static double evaluate(float[] point, int i, float value, Consumer<float[]> upload, DoubleSupplier loss) {
        point[i] = value;
        upload.accept(point);
        return loss.getAsDouble();
    }
}
