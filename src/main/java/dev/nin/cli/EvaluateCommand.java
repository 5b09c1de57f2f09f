package dev.nin.cli;

import dev.nin.data.FashionMnist;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.model.Nin;
import dev.nin.model.Shape;
import dev.nin.train.Evaluation;
import dev.nin.train.Inputs;
import dev.nin.train.Network;
import dev.nin.train.Safetensors;
import dev.nin.train.Weights;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code ./nin evaluate --weights FILE}: test accuracy on Fashion-MNIST of NiN weights from safetensors (PyTorch's or ours). */
final class EvaluateCommand implements Command {
    static final int DEFAULT_BATCH = 128;

    @Override
    public String summary() {
        return "test accuracy of NiN weights from a safetensors file (trained in PyTorch, or ./nin export)";
    }

    static String usage() {
        return """
                usage: ./nin evaluate --weights FILE [--resize R] [--limit N] [--batch-size B] [--device cpu|gpu|auto|reference]
                  --weights FILE  safetensors with the parameter names of d2l's nn.Sequential NiN, float32
                                  (PyTorch: safetensors.torch.save_file(net.state_dict(), FILE); or ./nin export)
                  --resize R      the side test images are enlarged to (default: the file's "resize" metadata, else %d)
                  --limit N       the first N test images (default: all)
                """.formatted(Nin.CHAPTER_INPUT_SIZE);
    }

    @Override
    public int run(List<String> args, PrintStream out) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage());
            return 0;
        }
        Flags f = new Flags(args, Set.of("--weights", "--resize", "--limit", "--batch-size", "--device", CudaLibsFlag.FLAG), Set.of());
        if (!f.has("--weights")) throw new IllegalArgumentException("--weights FILE is needed (./nin evaluate --help)");
        Path file = f.path("--weights", null);
        int limit = f.integer("--limit", 0), batch = f.integer("--batch-size", DEFAULT_BATCH);
        if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0 (0 = all), got " + limit);
        if (batch < 1) throw new IllegalArgumentException("--batch-size must be >= 1, got " + batch);
        String device = f.string("--device", "auto");
        if (!Backends.NAMES.contains(device)) throw new IllegalArgumentException("--device must be one of " + Backends.NAMES + ", got '" + device + "'");
        CudaLibsFlag.apply(f);

        // the weights are checked whole before the data or a backend is touched
        Map<String, float[]> weights;
        int resize;
        try {
            resize = f.integer("--resize", fileResize(file));
            weights = Weights.readSafetensors(file, Nin.spec(resize));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--weights " + file + ": " + e.getReason(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Images test = FashionMnist.load(FashionMnist.defaultDirectory()).test();
        if (limit > 0) test = test.limit(limit);
        Backends.Selection selection = Backends.select(device);
        try (Backend backend = selection.backend()) {
            int b = Math.min(batch, test.count());
            Network net = new Network(backend, Nin.spec(resize), Shape.of(1, 1, resize, resize), b);
            Weights.into(net, weights);
            Inputs inputs = new Inputs(backend, b, test.height(), test.width(), resize);
            Evaluation.Result result = Evaluation.evaluate(net, inputs, test, b, backend.allocate(Shape.of(2)), true);
            out.println(selection.reason());
            out.printf(Locale.ROOT, "test acc %.4f on %,d test images (resize %d, %s, %s)%n", result.accuracy(), test.count(), resize, file, backend.device());
            out.println("by class: " + result.byClass().summary(FashionMnist.CLASS_NAMES));
        }
        return 0;
    }

    /** The resize a file written by {@code ./nin export} records; the chapter's otherwise. */
    private static int fileResize(Path file) throws IOException {
        String r = Safetensors.metadata(file).get("resize");
        if (r == null) return Nin.CHAPTER_INPUT_SIZE;
        try {
            return Integer.parseInt(r);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--weights " + file + ": its metadata gives resize '" + r + "', not a whole number; pass --resize", e);
        }
    }
}
