package dev.nin.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch as a test oracle: runs {@code scripts/torch_oracle.py} with Debian's python3-torch. A developer machine
 * without it skips the oracle tests and says how to install it; CI sets {@code NIN_REQUIRE_TORCH=1}, where a
 * missing PyTorch fails instead, so the oracle cannot be skipped there unseen.
 */
public final class Torch {
    public static final Path SCRIPT = Path.of("scripts", "torch_oracle.py");
    public static final String REQUIRE = "NIN_REQUIRE_TORCH";
    private static Boolean available;

    private Torch() {
    }

    /** Debian's python3-torch installs for /usr/bin/python3; fall back to python3 on the PATH. */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Why PyTorch cannot be used here, or null when it can. */
    public static synchronized String missing() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(python(), "-c", "import torch").redirectErrorStream(true).start();
                available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available ? null : "PyTorch is not installed for " + python() + " (Debian: apt-get install python3-torch); the PyTorch oracle tests are skipped";
    }

    /** Skips the calling test when PyTorch is missing, or fails it where {@value #REQUIRE} is set (CI). */
    public static void assumeAvailable() {
        String why = missing();
        if (why != null && System.getenv(REQUIRE) != null) throw new AssertionError(REQUIRE + " is set but " + why);
        Assumptions.assumeTrue(why == null, why);
    }

    /** Runs the oracle script with these arguments; returns its standard output, failing with its output when it fails. */
    public static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python(), SCRIPT.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("torch-oracle", ".out"), log = Files.createTempFile("torch-oracle", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 300 s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }
}
