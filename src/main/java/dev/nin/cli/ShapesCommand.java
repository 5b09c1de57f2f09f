package dev.nin.cli;

import dev.nin.model.Nin;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import java.io.PrintStream;
import java.util.List;

/** {@code ./nin shapes [size]}: the chapter's shape trace of one 1×size×size input (size 224 by default). */
final class ShapesCommand implements Command {

    @Override
    public String summary() {
        return "print each stage's output shape for one 1x224x224 input (or: shapes <size>)";
    }

    @Override
    public int run(List<String> args, PrintStream out) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: ./nin shapes [SIZE]\n  each stage's output shape for one 1xSIZExSIZE input (SIZE 224, the chapter's, by default; at least 67)");
            return 0;
        }
        if (args.size() > 1) throw new IllegalArgumentException("takes at most one argument, the input size; got " + String.join(" ", args));
        int size = args.isEmpty() ? Nin.CHAPTER_INPUT_SIZE : parseSize(args.getFirst());
        out.print(ShapeTrace.format(Nin.spec(size), Shape.of(1, 1, size, size)));
        return 0;
    }

    static int parseSize(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the input size must be a whole number of pixels, got '" + text + "'");
        }
    }
}
