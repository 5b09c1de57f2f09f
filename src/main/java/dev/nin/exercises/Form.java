package dev.nin.exercises;

import dev.nin.model.Shape;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How an answer is written: what the template asks for and how the checker reads it. */
public enum Form {
    /** A number of things (parameters, MACs, FLOPs), e.g. 1,992,166 or 1.99M. */
    COUNT("a count (1,234,567 or 1234567 or 1.23M or 1.23e6)"),
    /** A size in bytes with its unit. */
    BYTES("a size with its unit (12.5 MiB or 13,107,200 B)"),
    /** A tensor shape. */
    SHAPE("a shape N×C×H×W (2x3x4x5 or [2, 3, 4, 5])"),
    /** A plain number. */
    NUMBER("a number (0.25 or 12)"),
    /** One letter among the choices listed. */
    CHOICE("one letter (a, b, c or d)");

    private static final Pattern SHAPE_TEXT = Pattern.compile("[\\[(]?\\s*(\\d+(?:\\s*[x×,*]\\s*\\d+)*)\\s*[\\])]?");

    private final String description;

    Form(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** What the learner wrote, read in this form. */
    public sealed interface Given {
    }

    public record Number(LearnerNumber number) implements Given {
    }

    public record ShapeGiven(Shape shape) implements Given {
    }

    public record Letter(char letter) implements Given {
    }

    /** Reads the text as this form, or says what was expected. */
    public Given read(String text, String unit) throws LearnerNumber.NotANumber {
        return switch (this) {
            case COUNT -> new Number(LearnerNumber.count(text, unit));
            case BYTES -> new Number(LearnerNumber.bytes(text));
            case NUMBER -> new Number(LearnerNumber.plain(text));
            case SHAPE -> {
                Matcher m = SHAPE_TEXT.matcher(text.strip());
                if (!m.matches()) throw new LearnerNumber.NotANumber("'" + text + "' is not a shape: expected " + description);
                String[] dims = m.group(1).split("\\s*[x×,*]\\s*");
                int[] d = new int[dims.length];
                try {
                    for (int i = 0; i < d.length; i++) d[i] = Integer.parseInt(dims[i]);
                    yield new ShapeGiven(Shape.of(d));
                } catch (IllegalArgumentException e) {  // a dimension of 0 or one too large for an int
                    throw new LearnerNumber.NotANumber("'" + text + "' is not a shape: every dimension must be a positive whole number");
                }
            }
            case CHOICE -> {
                String t = text.strip().toLowerCase(Locale.ROOT).replaceAll("[()\\s.]", "");
                if (t.length() != 1 || !Character.isLetter(t.charAt(0)))
                    throw new LearnerNumber.NotANumber("'" + text + "' is not a choice: expected " + description);
                yield new Letter(t.charAt(0));
            }
        };
    }
}
