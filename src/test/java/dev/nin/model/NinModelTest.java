package dev.nin.model;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.nin.book.Chapters;
import dev.nin.model.LayerSpec.Dropout;
import dev.nin.model.LayerSpec.Flatten;
import dev.nin.model.LayerSpec.GlobalAvgPool;
import dev.nin.model.LayerSpec.MaxPool2d;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Chapters.NIN_MODEL)
class NinModelTest {

    // tag::chapter-trace[]
    /** PyTorch prints a block as {@code Sequential} and the pooling as {@code AdaptiveAvgPool2d}; our names for them. */
    static final Map<String, String> OUR_NAMES = Map.of("Sequential", NinBlock.NAME, "AdaptiveAvgPool2d", "GlobalAvgPool");

    @Test
    void theTraceOfA224ImageMatchesTheChapterLineByLine() throws IOException {
        List<String> chapter = chapterTrace(); // copied verbatim from the chapter's output
        List<ShapeTrace.Line> ours = ShapeTrace.of(Nin.spec(), Shape.of(1, 1, 224, 224));

        assertThat(ours).hasSameSizeAs(chapter);
        Pattern line = Pattern.compile("(\\w+) output shape:\\s+torch\\.Size\\(\\[([\\d, ]+)\\]\\)");
        for (int i = 0; i < chapter.size(); i++) {
            Matcher m = line.matcher(chapter.get(i));
            assertThat(m.matches()).as("chapter line %d: %s", i + 1, chapter.get(i)).isTrue();
            int[] dims = Arrays.stream(m.group(2).split(", ")).mapToInt(Integer::parseInt).toArray();
            assertThat(ours.get(i).name()).as("line %d", i + 1).isEqualTo(OUR_NAMES.getOrDefault(m.group(1), m.group(1)));
            assertThat(ours.get(i).output()).as("line %d", i + 1).isEqualTo(Shape.of(dims));
        }
    }
    // end::chapter-trace[]

    // tag::chapter-layers[]
    @Test
    void theModelHasTheChaptersStagesInTheChaptersOrder() {
        assertThat(Nin.spec().stages()).containsExactly(
                NinBlock.of(1, 96, 11, 4, 0), Stage.of(new MaxPool2d(3, 2)),
                NinBlock.of(96, 256, 5, 1, 2), Stage.of(new MaxPool2d(3, 2)),
                NinBlock.of(256, 384, 3, 1, 1), Stage.of(new MaxPool2d(3, 2)),
                Stage.of(new Dropout(0.5)),
                NinBlock.of(384, 10, 3, 1, 1), Stage.of(new GlobalAvgPool()), Stage.of(new Flatten()));
    }
    // end::chapter-layers[]

    // tag::minimum[]
    /** The oracle: PyTorch runs the chapter's net on 67×67 and fails on 66×66. */
    @Test
    void theSmallestInputIs67AndSmallerInputsAreRejectedSayingSo() {
        assertThat(Nin.minimumInputSize()).isEqualTo(67);
        assertThatThrownBy(() -> Nin.spec(66))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 67x67").hasMessageContaining("66");
    }

    @Test
    void everyInputFrom67PixelsEndsInTenLogits() {
        forAll(integers().between(67, 600), integers().between(1, 256)).tries(100).check((size, batch) ->
                assertThat(Nin.spec(size).outputShape(Shape.of(batch, 1, size, size))).isEqualTo(Shape.of(batch, 10)));
    }

    @Test
    void everyInputBelow67PixelsIsRejected() {
        for (int size = 1; size <= 66; size++) { // every one of the 66 sizes, not a sample of them
            int tooSmall = size;
            assertThatThrownBy(() -> Nin.spec(tooSmall)).as("size %d", size).hasMessageContaining("at least 67x67");
        }
    }
    // end::minimum[]

    // tag::ninety-six[]
    /** The oracle: with PyTorch, a 96×96 input reaches global pooling as a 1×1 map. */
    @Test
    void a96ImageReachesGlobalPoolingAsOnePixel() {
        List<ShapeTrace.Line> trace = ShapeTrace.of(Nin.spec(96), Shape.of(1, 1, 96, 96));
        assertThat(trace.get(7).output()).isEqualTo(Shape.of(1, 10, 1, 1));
    }
    // end::ninety-six[]

    static List<String> chapterTrace() throws IOException {
        try (InputStream in = NinModelTest.class.getResourceAsStream("chapter-trace.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
