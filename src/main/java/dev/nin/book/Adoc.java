package dev.nin.book;

import java.util.Locale;

/** Small helpers that put measured text and numbers into AsciiDoc without AsciiDoc reading them as markup. */
final class Adoc {

    /**
     * Text AsciiDoc leaves alone: letters, digits, spaces and plain punctuation. Not "--" or ".." (dashes,
     * ellipses) and no parentheses, since "Intel(R) Xeon(R)" would otherwise print with ® signs. One "_" or
     * "+" is plain too ("torch_nin.py", "2.5.1+cu124"): markup needs a pair.
     */
    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[\\p{L}\\p{N} .,:;/=%_+-]*");

    private Adoc() {
    }

    /**
     * {@code s} as inline text: as is when plain, else in a {@code pass:c[]} so that a CPU name with
     * {@code *}, a path with {@code _} or a message with {@code {braces}} shows as written (HTML still escaped).
     */
    static String text(String s) {
        if (s == null || s.isEmpty()) return "";
        if (PLAIN.matcher(s).matches() && !s.contains("--") && !s.contains("..") && count(s, '_') <= 1 && count(s, '+') <= 1)
            return s;
        return "pass:c[" + s.replace("\\", "\\\\").replace("]", "\\]") + "]";
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }

    /** {@code s} as the content of a table cell, where a bare {@code |} would start the next cell. */
    static String cell(String s) {
        return text(s).replace("|", "\\|");
    }

    /** A number as Python's f"{x:.Nf}" prints it (so "nan" and "inf", as in d2l's output). */
    static String fixed(double x, int decimals) {
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }

    /** Bytes in MiB with one decimal and thousands separators, e.g. "1,760.0 MiB"; zero means not measured. */
    static String mib(long bytes) {
        return bytes <= 0 ? "not measured" : String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
