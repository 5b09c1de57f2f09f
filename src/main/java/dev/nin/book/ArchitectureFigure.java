package dev.nin.book;

import dev.nin.model.LayerSpec;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.Flatten;
import dev.nin.model.LayerSpec.ReLU;
import dev.nin.model.NetworkSpec;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import dev.nin.model.Stage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The NiN architecture figure, drawn from the network descriptions the code uses ({@code Nin.spec()} and
 * {@code AlexNet.spec()}), so it cannot drift from them: NiN's stages top to bottom, each with its layers,
 * parameters and the shape of its output; beside NiN's end, AlexNet's dense-layer head, which NiN's last
 * block and global average pooling replace.
 */
public final class ArchitectureFigure {

    static final int WIDTH = 780, LEFT_X = 10, LEFT_W = 370, RIGHT_X = 470, RIGHT_W = 300, LINE = 16, PAD = 7, GAP = 22;

    /** One box of the figure: a title line, detail lines, and the shape of what leaves it. */
    record Box(String title, List<String> details, Shape output, long parameters) {
        int height() {
            return PAD * 2 + LINE * (1 + details.size());
        }
    }

    private ArchitectureFigure() {
    }

    public static void writeSvg(NetworkSpec nin, NetworkSpec denseHeadOf, Shape image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, svg(nin, denseHeadOf, image), StandardCharsets.UTF_8);
    }

    /** NiN's boxes: the input, then one per stage of the network, with the shape after it. */
    static List<Box> boxes(NetworkSpec net, Shape image) {
        List<Box> boxes = new ArrayList<>();
        boxes.add(new Box("Input image", List.of(), image, 0));
        List<ShapeTrace.Line> trace = ShapeTrace.of(net, image);
        for (int i = 0; i < net.stages().size(); i++) {
            Stage stage = net.stages().get(i);
            String title = stage.layers().size() == 1 ? stage.layers().getFirst().label() : stage.name();
            boxes.add(new Box(title, details(stage), trace.get(i).output(), ParameterCount.of(stage)));
        }
        return boxes;
    }

    /** The dense head: every stage from the network's Flatten on, with the shape it receives first. */
    static List<Box> denseHead(NetworkSpec net, Shape image) {
        List<ShapeTrace.Line> trace = ShapeTrace.of(net, image);
        int first = 0;
        while (first < net.stages().size() && !(net.stages().get(first).layers().getFirst() instanceof Flatten)) first++;
        if (first == net.stages().size()) throw new IllegalArgumentException(net.name() + " has no Flatten: no dense head to draw");
        List<Box> boxes = new ArrayList<>();
        boxes.add(new Box(net.name() + "'s features", List.of(), first == 0 ? image : trace.get(first - 1).output(), 0));
        for (int i = first; i < net.stages().size(); i++) {
            Stage stage = net.stages().get(i);
            if (stage.layers().getFirst() instanceof ReLU) continue; // said in the box of the layer before it
            boolean relu = i + 1 < net.stages().size() && net.stages().get(i + 1).layers().getFirst() instanceof ReLU;
            long parameters = ParameterCount.of(stage);
            boxes.add(new Box(stage.layers().getFirst().label() + (relu ? " + ReLU" : ""),
                    parameters > 0 ? List.of(String.format(Locale.ROOT, "%,d parameters", parameters)) : List.of(),
                    trace.get(relu ? i + 1 : i).output(), parameters));
        }
        return boxes;
    }

    /** A stage's layers, one line each; a ReLU after a convolution is said on the convolution's line. */
    static List<String> details(Stage stage) {
        List<LayerSpec> layers = stage.layers();
        if (layers.size() == 1) return List.of();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            if (layer instanceof ReLU) continue;
            boolean relu = i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU;
            String text = layer instanceof Conv2d c
                    ? "%d×%d conv %d→%d, stride %d, pad %d".formatted(c.kernel(), c.kernel(), c.inChannels(), c.outChannels(), c.stride(), c.padding())
                    : layer.label();
            lines.add(text + (relu ? " + ReLU" : ""));
        }
        return lines;
    }

    /** "96×54×54": a shape without its batch axis, as the figure writes it. */
    static String shape(Shape s) {
        int[] d = s.dims();
        return Arrays.stream(d, 1, d.length).mapToObj(Integer::toString).collect(Collectors.joining("×"));
    }

    static String svg(NetworkSpec nin, NetworkSpec dense, Shape image) {
        List<Box> left = boxes(nin, image), right = denseHead(dense, image);
        StringBuilder body = new StringBuilder();
        int y = 40, headTop = -1;
        for (int i = 0; i < left.size(); i++) {
            Box b = left.get(i);
            boolean head = b.title().startsWith("Dropout");
            if (head && headTop < 0) headTop = y;
            y = drawBox(body, b, LEFT_X, y, LEFT_W, i == 0 ? "#eeeeee" : b.details().isEmpty() ? "#f4f4f4" : "#dbe9f6");
            if (i + 1 < left.size()) arrow(body, LEFT_X + LEFT_W / 2, y, y + GAP);
            y += GAP;
        }
        int leftEnd = y;
        long ninHead = 0;
        for (int i = 0; i < left.size(); i++) if (left.get(i).title().startsWith("Dropout")) {
            for (int j = i; j < left.size(); j++) ninHead += left.get(j).parameters();
            break;
        }
        int ry = Math.max(40, headTop);
        text(body, RIGHT_X, ry - 24, dense.name() + "'s dense head: NiN has none", "bold", 13);
        long denseHead = 0;
        for (int i = 0; i < right.size(); i++) {
            Box b = right.get(i);
            denseHead += b.parameters();
            ry = drawBox(body, b, RIGHT_X, ry, RIGHT_W, i == 0 ? "#eeeeee" : "#f9dcc4");
            if (i + 1 < right.size()) arrow(body, RIGHT_X + RIGHT_W / 2, ry, ry + GAP);
            ry += GAP;
        }
        text(body, RIGHT_X, ry + 4, String.format(Locale.ROOT, "dense head: %,d parameters", denseHead), "bold", 12);
        text(body, RIGHT_X, ry + 22, String.format(Locale.ROOT, "NiN from its dropout on: %,d", ninHead), "bold", 12);
        // a bracket from NiN's head to the dense head it replaces
        if (headTop > 0) {
            int x0 = LEFT_X + LEFT_W + 8, x1 = RIGHT_X - 8;
            body.append("<path d=\"M%d %d H%d V%d H%d\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>%n"
                    .formatted(x0, headTop + 10, (x0 + x1) / 2, Math.max(40, headTop) + 10, x1));
            text(body, (x0 + x1) / 2 - 40, headTop - 4, "replaces", "normal", 11);
        }
        int height = Math.max(leftEnd, ry + 40);
        String title = String.format(Locale.ROOT, "%s for one 1×%d×%d image: %,d parameters in all", nin.name(),
                image.dim(2), image.dim(3), ParameterCount.of(nin));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n".formatted(WIDTH, height, WIDTH, height)
                + "<title>" + escape(title) + "</title>\n"
                + "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
                + "<path d=\"M0 0 L10 5 L0 10 z\" fill=\"#555\"/></marker></defs>\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
                + textElement(LEFT_X, 22, title, "bold", 14)
                + body + "</svg>\n";
    }

    private static int drawBox(StringBuilder sb, Box b, int x, int y, int w, String fill) {
        int h = b.height();
        sb.append("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" stroke=\"#666\"/>%n".formatted(x, y, w, h, fill));
        boolean said = b.details().stream().anyMatch(d -> d.endsWith(" parameters"));
        String title = b.title() + (b.parameters() > 0 && !said ? String.format(Locale.ROOT, "  (%,d parameters)", b.parameters()) : "");
        text(sb, x + PAD, y + PAD + 12, title, "bold", 12);
        for (int i = 0; i < b.details().size(); i++) text(sb, x + PAD + 8, y + PAD + 12 + LINE * (i + 1), b.details().get(i), "normal", 12);
        // the shape of what leaves the box, on the arrow below it
        text(sb, x + w / 2 + 8, y + h + 15, "→ " + shape(b.output()), "shape", 12);
        return y + h;
    }

    private static void arrow(StringBuilder sb, int x, int y0, int y1) {
        sb.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>%n".formatted(x, y0, x, y1));
    }

    private static void text(StringBuilder sb, int x, int y, String s, String style, int size) {
        sb.append(textElement(x, y, s, style, size));
    }

    private static String textElement(int x, int y, String s, String style, int size) {
        String attrs = switch (style) {
            case "bold" -> " font-weight=\"bold\"";
            case "shape" -> " fill=\"#1f4e79\" font-family=\"monospace\"";
            default -> "";
        };
        return "<text x=\"%d\" y=\"%d\" font-size=\"%d\"%s>%s</text>%n".formatted(x, y, size, attrs, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
