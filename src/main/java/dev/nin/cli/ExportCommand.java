package dev.nin.cli;

import dev.nin.model.Nin;
import dev.nin.train.Checkpoint;
import dev.nin.train.Trainer;
import dev.nin.train.Weights;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ./nin export}: a run's weights (its checkpoint) as safetensors that PyTorch loads into d2l's NiN. */
final class ExportCommand implements Command {
    static final String DEFAULT_FILE = "weights.safetensors";

    @Override
    public String summary() {
        return "write a run's weights as safetensors for PyTorch's d2l NiN (load_state_dict)";
    }

    static String usage() {
        return """
                usage: ./nin export --out DIR [--to FILE]
                  --out DIR   the run's folder, holding %s (the --out of ./nin train)
                  --to FILE   where the weights go (default DIR/%s)
                In PyTorch: net.load_state_dict(safetensors.torch.load_file(FILE)) for d2l's nn.Sequential NiN
                (without the safetensors package: scripts/safetensors_lite.py's load_file)
                """.formatted(Trainer.CHECKPOINT, DEFAULT_FILE);
    }

    @Override
    public int run(List<String> args, PrintStream out) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage());
            return 0;
        }
        Flags f = new Flags(args, Set.of("--out", "--to"), Set.of());
        if (!f.has("--out")) throw new IllegalArgumentException("--out DIR is needed: the run's folder, holding " + Trainer.CHECKPOINT);
        Path checkpointFile = f.path("--out", null).resolve(Trainer.CHECKPOINT);
        Path to = f.path("--to", f.path("--out", null).resolve(DEFAULT_FILE));
        if (Files.isDirectory(to)) throw new IllegalArgumentException("--to " + to + " is a directory; name the file to write");
        Checkpoint cp;
        try {
            cp = Checkpoint.read(checkpointFile);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--out: there is no checkpoint " + checkpointFile + " (train with ./nin train --out DIR first)", e);
        } catch (Checkpoint.BrokenException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        var spec = Nin.spec(cp.config().resize());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("source", "nin export of " + checkpointFile);
        metadata.put("network", spec.name());
        metadata.put("resize", Integer.toString(cp.config().resize()));
        metadata.put("epochs", Integer.toString(cp.epoch()));
        try {
            Weights.writeSafetensors(to, spec, cp.parameters(), metadata);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(checkpointFile + " does not hold NiN's parameters: " + e.getMessage(), e);
        }  // a write that fails names the file (AtomicFile.WriteException)
        long floats = cp.parameters().values().stream().mapToLong(v -> v.length).sum();
        out.printf("wrote %s: %d tensors, %,d float32 values, from %s after epoch %d (resize %d)%n",
                to, cp.parameters().size(), floats, checkpointFile, cp.epoch(), cp.config().resize());
        return 0;
    }
}
