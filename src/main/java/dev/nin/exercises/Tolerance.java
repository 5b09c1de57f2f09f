package dev.nin.exercises;

import java.util.Locale;

/**
 * How far an answer may be from the code's value and still be right, stated in the template.
 *
 * @param digits when true, the answer must be the code's value rounded to the digits the learner wrote
 *               ("1.99M" for 1,992,166), with at least {@value #SIGNIFICANT} significant digits: a count
 *               that forgets the biases is off by 0.1 %, so a percentage would let it pass
 */
public record Tolerance(double relative, double absolute, boolean digits) {

    public static final int SIGNIFICANT = 3;

    public static Tolerance exact() {
        return new Tolerance(0, 0, false);
    }

    /** Right to the digits written: 1,992,166 or 1.99M or 1.992e6, not 2M. */
    public static Tolerance toTheDigitsWritten() {
        return new Tolerance(0, 0, true);
    }

    /** Within this fraction of the expected value (0.01 = 1 %). */
    public static Tolerance relative(double fraction) {
        return new Tolerance(fraction, 0, false);
    }

    /** Within this distance of the expected value. */
    public static Tolerance absolute(double distance) {
        return new Tolerance(0, distance, false);
    }

    /** Whether the answer is written with too few digits to be judged (digits mode only): "2M". */
    public boolean tooRough(LearnerNumber given) {
        return digits && given.precision() > 0.5 * Math.pow(10, 1 - SIGNIFICANT) * Math.abs(given.value()) * (1 + 1e-9);
    }

    public boolean accepts(LearnerNumber given, double expected) {
        double allowed = digits ? given.precision() : Math.max(relative * Math.abs(expected), absolute);
        return Math.abs(given.value() - expected) <= allowed
                + 1e-9 * Math.abs(expected);  // a decimal reading of an exact value may be off in the last bit
    }

    /** The words the template uses: "exactly", "within 1 %", "within ±0.005", "to the digits you write". */
    public String describe() {
        if (digits) return "the exact value rounded to the digits you write (at least " + SIGNIFICANT + " significant)";
        if (relative == 0 && absolute == 0) return "exactly";
        if (absolute == 0) return String.format(Locale.ROOT, "within %s %%", trim(relative * 100));
        return String.format(Locale.ROOT, "within ±%s", trim(absolute));
    }

    private static String trim(double x) {
        String s = String.format(Locale.ROOT, "%.6f", x).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
