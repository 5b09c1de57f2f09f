package dev.nin.exercises;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number as a learner writes it: {@code 1,992,166}, {@code 1992166}, {@code 1.99M}, {@code 1.99e6},
 * {@code 1.53 GFLOPs}, {@code 7.6 MiB}. Each reading keeps its precision, half a unit of the last digit
 * written, so "1.99M" means 1,990,000 ± 5,000.
 */
public record LearnerNumber(double value, double precision) {

    /** A text that is not a number of the expected form; the message says what was expected. */
    public static final class NotANumber extends Exception {
        NotANumber(String message) {
            super(message);
        }
    }

    // digits, with commas only as thousands separators (1,992,166); an optional fraction and exponent
    private static final Pattern NUMBER = Pattern.compile(
            "([+-]?)(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d*))?(?:[eE]([+-]?\\d{1,3}))?\\s*(.*)");

    /** Multipliers a count may carry: SI prefixes and words. */
    private static final Map<String, Double> COUNT_SCALES = Map.ofEntries(
            Map.entry("", 1.0), Map.entry("k", 1e3), Map.entry("K", 1e3), Map.entry("M", 1e6), Map.entry("G", 1e9),
            Map.entry("B", 1e9), Map.entry("T", 1e12),
            Map.entry("thousand", 1e3), Map.entry("million", 1e6), Map.entry("billion", 1e9));

    /** Byte units: SI (kB = 1000 B) and binary (KiB = 1024 B). A size needs one. */
    private static final Map<String, Double> BYTE_UNITS = Map.ofEntries(
            Map.entry("b", 1.0), Map.entry("byte", 1.0), Map.entry("bytes", 1.0),
            Map.entry("kb", 1e3), Map.entry("mb", 1e6), Map.entry("gb", 1e9),
            Map.entry("kib", 1024.0), Map.entry("mib", 1024.0 * 1024), Map.entry("gib", 1024.0 * 1024 * 1024));

    /**
     * A count, optionally with an SI prefix or word ({@code 1.99M}, {@code 2 million}) and the question's
     * unit word ({@code 1.53 GFLOPs} when {@code unit} is "FLOPs").
     */
    public static LearnerNumber count(String text, String unit) throws NotANumber {
        Parts p = parts(text, "a count such as 1,234,567 or 1234567 or 1.23M or 1.23e6");
        String rest = p.rest();
        if (unit != null && !unit.isEmpty() && rest.toLowerCase(Locale.ROOT).endsWith(unit.toLowerCase(Locale.ROOT)))
            rest = rest.substring(0, rest.length() - unit.length()).strip();
        Double scale = COUNT_SCALES.get(rest);
        if (scale == null)
            throw new NotANumber("'" + text + "' is not a count: after the number, expected nothing, k, M, G or"
                    + (unit == null || unit.isEmpty() ? "" : " the unit " + unit + " (e.g. 1.5M " + unit + ")") + " but found '" + p.rest() + "'");
        return p.scaled(scale);
    }

    /** A plain number without unit (a loss, an accuracy, a number of pixels). */
    public static LearnerNumber plain(String text) throws NotANumber {
        Parts p = parts(text, "a number such as 0.25 or 12");
        if (!p.rest().isEmpty()) throw new NotANumber("'" + text + "': expected a plain number, found '" + p.rest() + "' after it");
        return p.scaled(1);
    }

    /** A size in bytes, with its unit: {@code 7.6 MiB}, {@code 8,000,000 B}, {@code 1.2 GB}. */
    public static LearnerNumber bytes(String text) throws NotANumber {
        Parts p = parts(text, "a size with a unit such as 12.5 MiB or 13,107,200 B");
        Double unit = BYTE_UNITS.get(p.rest().toLowerCase(Locale.ROOT));
        if (unit == null)
            throw new NotANumber("'" + text + "' is not a size: expected a unit after the number (B, KiB, MiB, GiB, or kB, MB, GB"
                    + " where 1 MB = 1,000,000 B), found " + (p.rest().isEmpty() ? "none" : "'" + p.rest() + "'"));
        return p.scaled(unit);
    }

    private record Parts(BigDecimal number, int decimals, int exponent, String rest) {
        LearnerNumber scaled(double scale) {
            double value = number.doubleValue() * Math.pow(10, exponent) * scale;
            double precision = 0.5 * Math.pow(10, exponent - decimals) * scale;
            return new LearnerNumber(value, precision);
        }
    }

    private static Parts parts(String text, String expected) throws NotANumber {
        String t = text.strip().replace('\u2212', '-').replace("_", "").replace("\u202f", "").replace("\u00a0", " ");
        Matcher m = NUMBER.matcher(t);
        if (!m.matches()) {
            if (t.matches("[+-]?\\d+,\\d+.*"))
                throw new NotANumber("'" + text + "': a comma separates thousands (1,234,567); write decimals with a point (1.23)");
            throw new NotANumber("'" + text + "' is not a number: expected " + expected);
        }
        if (m.group(5).matches(",\\d.*"))
            throw new NotANumber("'" + text + "': a comma separates thousands (1,234,567); write decimals with a point (1.23)");
        String digits = m.group(2).replace(",", "");
        String fraction = m.group(3) == null ? "" : m.group(3);
        int exponent = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        BigDecimal number = new BigDecimal(m.group(1) + digits + (fraction.isEmpty() ? "" : "." + fraction));
        return new Parts(number, fraction.length(), exponent, m.group(5).strip());
    }
}
