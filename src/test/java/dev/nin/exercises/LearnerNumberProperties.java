package dev.nin.exercises;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.nin.book.Chapters;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.EXERCISES)
class LearnerNumberProperties {

    /** The ways a learner writes a number, each a formatter and the reader for its form. */
    enum Written {
        GROUPED, PLAIN, SI_PREFIX, SCIENTIFIC, WITH_UNIT, MEBIBYTES, BYTES_GROUPED, PLAIN_DECIMAL;

        String format(double v) {
            return switch (this) {
                case GROUPED, BYTES_GROUPED -> String.format(Locale.ROOT, "%,d", Math.round(v)) + (this == BYTES_GROUPED ? " B" : "");
                case PLAIN -> Long.toString(Math.round(v));
                case SI_PREFIX -> si(v, "");
                case SCIENTIFIC -> String.format(Locale.ROOT, "%.2e", v);
                case WITH_UNIT -> si(v, " ").replaceFirst("([kMG]?)$", "$1FLOPs");
                case MEBIBYTES -> String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20));
                case PLAIN_DECIMAL -> String.format(Locale.ROOT, "%.3f", v);
            };
        }

        LearnerNumber read(String text) throws LearnerNumber.NotANumber {
            return switch (this) {
                case GROUPED, PLAIN, SI_PREFIX, SCIENTIFIC -> LearnerNumber.count(text, "parameters");
                case WITH_UNIT -> LearnerNumber.count(text, "FLOPs");
                case MEBIBYTES, BYTES_GROUPED -> LearnerNumber.bytes(text);
                case PLAIN_DECIMAL -> LearnerNumber.plain(text);
            };
        }

        /** 1.99M, 34.8k, 1.53G: two decimals after the largest prefix that keeps the number at least 1. */
        private static String si(double v, String space) {
            String[] prefixes = {"", "k", "M", "G"};
            int p = 0;
            while (p < 3 && v >= 1000 * Math.pow(1000, p)) p++;
            return String.format(Locale.ROOT, "%.2f%s%s", v / Math.pow(1000, p), space, prefixes[p]);
        }
    }

    static Gen<Double> magnitudes() {
        // 1 to 10^11, spread over the decades: parameters, MACs, FLOPs and bytes all live there
        return doubles().between(0, 11).map(e -> Math.pow(10, e));
    }

    static Gen<Written> forms() {
        return integers().between(0, Written.values().length - 1).map(i -> Written.values()[i]);
    }

    // tag::forms[]
    @Test
    void everyWrittenFormReadsBackWithinItsOwnPrecision() {
        forAll(magnitudes(), forms()).tries(500).check((value, form) -> {
            String text = form.format(value);
            LearnerNumber read = form.read(text);
            // the precision is half a unit of the last digit written; 1e-9 of the value covers binary rounding
            assertThat(Math.abs(read.value() - value)).as("%s read as %s", text, read)
                    .isLessThanOrEqualTo(read.precision() + 1e-9 * value);
        });
    }
    // end::forms[]

    /** Text near the numbers' grammar: digits, separators, exponents, prefixes, units and noise. */
    static Gen<String> nearlyNumbers() {
        String alphabet = "0123456789,.eE+-_ kKMGiBbytesFLOPx×[]()#=\u2212";
        return org.quicktheories.generators.SourceDSL.lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(0, 14)
                .map(indices -> indices.stream().map(i -> String.valueOf(alphabet.charAt(i))).collect(java.util.stream.Collectors.joining()));
    }

    @Test
    void anyTextIsReadInEveryFormOrRefusedWithAMessageNeverAnotherException() {
        forAll(nearlyNumbers()).tries(2000).check(text -> {
            for (Form form : Form.values()) {
                try {
                    form.read(text, "FLOPs");
                } catch (LearnerNumber.NotANumber refused) {
                    assertThat(refused.getMessage()).isNotBlank();
                }
            }
            // and a whole answers file of such lines is judged without an exception
            AnswerCheck.check("a.txt", AnswersFile.parse("params.total = " + text + "\nshape.block2.r224 = " + text + "\n" + text),
                    Questions.all(java.nio.file.Path.of(".")));
        });
    }

    @Test
    void theFormsOfTheIssueReadAsTheirValues() throws Exception {
        assertThat(LearnerNumber.count("1,992,166", "parameters").value()).isEqualTo(1_992_166);
        assertThat(LearnerNumber.count("1992166", "parameters").value()).isEqualTo(1_992_166);
        assertThat(LearnerNumber.count("1.99M", "parameters")).satisfies(n -> {
            assertThat(n.value()).isCloseTo(1_990_000, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(n.precision()).isCloseTo(5_000, org.assertj.core.data.Offset.offset(1e-6));
        });
        assertThat(LearnerNumber.count("1.99e6", "parameters").value()).isCloseTo(1_990_000, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(LearnerNumber.count("2 million parameters", "parameters").value()).isEqualTo(2_000_000);
        assertThat(LearnerNumber.count("1.53 GFLOPs", "FLOPs").value()).isCloseTo(1.53e9, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(LearnerNumber.bytes("7.6 MiB").value()).isCloseTo(7.6 * 1024 * 1024, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(LearnerNumber.bytes("8 MB").value()).isEqualTo(8e6);
        assertThat(LearnerNumber.bytes("1,024 bytes").value()).isEqualTo(1024);
    }

    @Test
    void textThatIsNoNumberOfTheFormIsRefusedSayingWhatWasExpected() {
        assertThatThrownBy(() -> LearnerNumber.count("about two million", "parameters"))
                .hasMessageContaining("not a number").hasMessageContaining("1,234,567");
        assertThatThrownBy(() -> LearnerNumber.count("1,99", "parameters")).hasMessageContaining("decimals with a point");
        assertThatThrownBy(() -> LearnerNumber.count("2 MiB", "parameters")).hasMessageContaining("not a count");
        assertThatThrownBy(() -> LearnerNumber.bytes("7.6")).hasMessageContaining("expected a unit").hasMessageContaining("found none");
        assertThatThrownBy(() -> LearnerNumber.bytes("7.6 parsecs")).hasMessageContaining("'parsecs'");
        assertThatThrownBy(() -> LearnerNumber.plain("0.1 %")).hasMessageContaining("plain number");
    }
}
