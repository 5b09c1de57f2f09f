package dev.nin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ./nin bench --torch compares PyTorch's peak memory with ours: each must be its own process's peak. */
@Tag("records")
class BenchCommandTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * Runs scripts/torch_bench.py's own peak_rss_bytes (taken out of the script, so no torch is needed) in a
     * child of this JVM after the JVM has touched 384 MB. getrusage's ru_maxrss, which the script used
     * before, reported the JVM's peak there (measured: 494 MB from a JVM that had touched 400 MB).
     */
    @Test
    void torchBenchReportsItsOwnPeakMemoryNotThatOfTheJvmThatStartedIt() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON);
        ByteBuffer touched = ByteBuffer.allocateDirect(384 << 20);
        for (int i = 0; i < touched.capacity(); i += 4096) touched.put(i, (byte) 1);
        String python = """
                import ast, os, resource
                tree = ast.parse(open("scripts/torch_bench.py").read())
                fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "peak_rss_bytes"]
                ns = {"os": os, "resource": resource}
                exec(compile(ast.Module(body=fn, type_ignores=[]), "torch_bench.py", "exec"), ns)
                print(ns["peak_rss_bytes"]())
                """;
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", python).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        long peak = Long.parseLong(output);
        // a bare python3 peaks near 10 MB; 100 MB leaves room for any python build and stays far below 384
        assertThat(peak).isPositive().isLessThan(100L << 20);
        assertThat(touched.get(4096)).isEqualTo((byte) 1);  // keeps the buffer alive (and touched) until here
    }

    @Test
    void pytorchRunsWithoutTheMallocSettingsTheLauncherChoseButWithTheUsersOwn() {
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin", "MALLOC_ARENA_MAX", "2",
                "GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", "NIN_LAUNCHER_SET", " MALLOC_ARENA_MAX"));
        BenchCommand.withoutLauncherSettings(env);
        assertThat(env).containsOnlyKeys("PATH", "GLIBC_TUNABLES");  // GLIBC_TUNABLES was the user's
    }
}
