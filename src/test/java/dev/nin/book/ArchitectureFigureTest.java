package dev.nin.book;

import dev.nin.model.AlexNet;
import dev.nin.model.LayerSpec.Linear;
import dev.nin.model.Nin;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import dev.nin.model.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The architecture figure is drawn from the network descriptions: every stage, its shape, its parameters. */
@Tag(Chapters.NIN_MODEL)
class ArchitectureFigureTest {

    @TempDir
    Path dir;

    static final Shape IMAGE = Shape.of(1, 1, Nin.CHAPTER_INPUT_SIZE, Nin.CHAPTER_INPUT_SIZE);

    /** The figure's text elements, in document order (the order they are drawn: top to bottom, NiN first). */
    List<String> texts() throws Exception {
        Path file = dir.resolve("nin.svg");
        ArchitectureFigure.writeSvg(Nin.spec(), AlexNet.spec(), IMAGE, file);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document svg = factory.newDocumentBuilder().parse(file.toFile());
        NodeList nodes = svg.getElementsByTagNameNS("*", "text");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) texts.add(nodes.item(i).getTextContent());
        return texts;
    }

    @Test
    void everyStageOfNinAppearsInOrderWithTheShapeAfterIt() throws Exception {
        List<String> texts = texts();
        List<ShapeTrace.Line> trace = ShapeTrace.of(Nin.spec(), IMAGE);
        int at = texts.indexOf("→ " + ArchitectureFigure.shape(IMAGE));
        assertThat(at).as("the input's shape").isGreaterThanOrEqualTo(0);
        for (int i = 0; i < trace.size(); i++) {
            Stage stage = Nin.spec().stages().get(i);
            String title = stage.layers().size() == 1 ? stage.layers().getFirst().label() : stage.name();
            int titleAt = indexFrom(texts, at, t -> t.startsWith(title));
            assertThat(titleAt).as("stage %d (%s) after the previous one", i + 1, title).isGreaterThan(at);
            String shape = "→ " + ArchitectureFigure.shape(trace.get(i).output());
            at = indexFrom(texts, titleAt, t -> t.equals(shape));
            assertThat(at).as("the shape after stage %d: %s", i + 1, trace.get(i).output()).isGreaterThan(titleAt);
        }
        assertThat(texts).contains("→ 10"); // ten logits at the end
    }

    @Test
    void eachBlockShowsItsKernelsChannelsAndParameters() throws Exception {
        List<String> texts = texts();
        assertThat(texts).contains("11×11 conv 1→96, stride 4, pad 0 + ReLU", "1×1 conv 96→96, stride 1, pad 0 + ReLU",
                "3×3 conv 384→10, stride 1, pad 1 + ReLU");
        for (Stage stage : Nin.spec().stages())
            if (ParameterCount.of(stage) > 0)
                assertThat(texts).anySatisfy(t -> assertThat(t).contains(String.format(Locale.ROOT, "(%,d parameters)", ParameterCount.of(stage))));
        assertThat(texts.getFirst()).contains(String.format(Locale.ROOT, "%,d parameters in all", ParameterCount.of(Nin.spec())));
    }

    @Test
    void theDenseHeadBesideItIsAlexNetsFromItsFlattenOn() throws Exception {
        List<String> texts = texts();
        long head = 0;
        for (Stage stage : AlexNet.spec().stages())
            if (stage.layers().getFirst() instanceof Linear l) {
                head += ParameterCount.of(stage);
                assertThat(texts).anySatisfy(t -> assertThat(t).startsWith(l.label()));
            }
        assertThat(texts).contains(String.format(Locale.ROOT, "dense head: %,d parameters", head), "→ 256×5×5");
    }

    private static int indexFrom(List<String> texts, int from, java.util.function.Predicate<String> p) {
        for (int i = from + 1; i < texts.size(); i++) if (p.test(texts.get(i))) return i;
        return -1;
    }
}
