package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * scripts/gpu-run runs on a GPU machine lent for minutes, so what it would run is checked here, through its
 * --dry-run: each stage's command and time limit, printed as if every stage used all of its limit.
 */
@Tag(Chapters.GPU)
class GpuRunScriptTest {
    /** A device call may run 600 s; the script's own budget keeps a margin for the start and the transfers. */
    static final int DEVICE_CALL_SECONDS = 600, MARGIN = 30;
    /** gpu-run's exit code for a stage skipped for want of time (EX_TEMPFAIL). */
    static final int SKIPPED = 75;
    private static final Pattern STAGE = Pattern.compile("\\[dry-run] limit (\\d+)s grace (\\d+)s: (.*)");
    private static final Pattern TOTAL = Pattern.compile("dry run: at most (\\d+)s of the call's (\\d+)s");

    record Stage(int limit, int grace, String command) {
        List<String> words() {
            return Arrays.asList(command.split(" "));
        }

        String after(String flag) {
            List<String> w = words();
            return w.get(w.indexOf(flag) + 1);
        }
    }

    record DryRun(List<Stage> stages, int skipped, int worstCase, int budget, String output) {
        List<Stage> matching(String text) {
            return stages.stream().filter(s -> s.command().contains(text)).toList();
        }
    }

    static DryRun dryRun(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/gpu-run", "--dry-run", "--keep-going"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("NIN_CUDA_LIBS");
        pb.environment().remove("NIN_CALL_BUDGET");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isIn(0, SKIPPED);
        List<Stage> stages = new ArrayList<>();
        int skipped = 0, worst = -1, budget = -1;
        for (String line : out.lines().toList()) {
            Matcher m = STAGE.matcher(line);
            if (m.find()) stages.add(new Stage(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
            if (line.contains("SKIP ")) skipped++;
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                worst = Integer.parseInt(t.group(1));
                budget = Integer.parseInt(t.group(2));
            }
        }
        return new DryRun(stages, skipped, worst, budget, out);
    }

    // tag::chapter-flag[]
    @Test
    void callOneTrainsTheChaptersConfigurationFromJavaAtBothRatesBesidePyTorch() throws Exception {
        DryRun call1 = dryRun(Map.of(), "call1");
        List<Stage> training = call1.matching("dev.nin.cli.Main train");
        assertThat(training).hasSize(2);
        for (Stage t : training) {
            // the chapter's 60,000 examples, Xavier, resize 224, batch 128, 10 epochs: --chapter, and nothing that overrides it but --lr
            assertThat(t.words()).contains("--chapter").doesNotContain("--limit", "--init", "--resize", "--epochs", "--batch-size");
            assertThat(t.after("--device")).isEqualTo("gpu");
        }
        assertThat(training).extracting(t -> t.after("--lr")).containsExactly("0.1", "0.05");
        Stage torch = call1.matching("torch_nin.py").getFirst();
        assertThat(torch.words()).contains("--lr", "0.1", "--epochs", "10", "--batch-size", "128", "--resize", "224").doesNotContain("--limit");
        assertThat(call1.matching("dev.nin.engine.gpu.GpuCheck")).hasSize(1);
        assertThat(call1.matching("GpuParityTest")).hasSize(1);
    }
    // end::chapter-flag[]

    @Test
    void callTwoSweepsEightSeedsAtBothRatesWithAndWithoutTheFinalReluAtTheChaptersConfiguration() throws Exception {
        Stage sweep = dryRun(Map.of(), "call2").matching("dev.nin.cli.Main study").getFirst();
        assertThat(sweep.after("--resize")).isEqualTo("224");
        assertThat(sweep.after("--batch-size")).isEqualTo("128");
        assertThat(sweep.after("--limit")).isEqualTo("0");  // all 60,000
        assertThat(sweep.after("--lrs").split(",")).contains("0.1", "0.05");
        assertThat(sweep.after("--seeds").split(",")).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(8);
        assertThat(sweep.after("--out")).endsWith("sweep.json");
    }

    // tag::budget[]
    @Test
    void bothCallsFitOneDeviceCallWithAMargin() throws Exception {
        for (String call : List.of("call1", "call2")) {
            DryRun run = dryRun(Map.of(), call);
            assertThat(run.skipped()).as(call + " skips nothing at the default budget").isZero();
            assertThat(run.worstCase()).as(call).isEqualTo(run.stages().stream().mapToInt(s -> s.limit() + s.grace()).sum());
            assertThat(run.worstCase()).as(call).isLessThanOrEqualTo(run.budget()).isLessThanOrEqualTo(DEVICE_CALL_SECONDS - MARGIN);
        }
    }

    @Test
    void aFailedGpuCheckSkipsTheStagesThatTrainOnTheGpuButNotPyTorchOrTheParityTest() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/gpu-run", "--dry-run", "--keep-going", "check", "torch", "train-0.1",
                "parity", "recipes", "sweep").redirectErrorStream(true);
        pb.environment().remove("NIN_UNGATED");
        pb.environment().put("NIN_DRY_FAIL", "check");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("torch_nin.py", "GpuParityTest").doesNotContain("dev.nin.cli.Main train", "dev.nin.cli.Main study")
                .contains("SKIP train-0.1: GpuCheck failed", "SKIP sweep: GpuCheck failed", "SKIP recipe-momentum-lr0.02: GpuCheck failed");
    }

    static final List<String> STAGES = List.of("torch", "check", "train-0.1", "train-0.05", "parity", "sweep");

    @Test
    void whateverTheBudgetAndStagesEveryStageThatStartsEndsInsideTheBudget() {
        Gen<List<String>> stages = lists().of(arbitrary().pick(STAGES)).ofSizeBetween(1, 6);
        forAll(integers().between(60, DEVICE_CALL_SECONDS - MARGIN), stages).tries(40).shrinks(20).check((budget, names) -> {
            DryRun run = dryRun(Map.of("NIN_CALL_BUDGET", Integer.toString(budget)), names.toArray(String[]::new));
            assertThat(run.stages().size() + run.skipped()).as(run.output()).isEqualTo(names.size());
            assertThat(run.worstCase()).as(run.output()).isLessThanOrEqualTo(budget);
            assertThat(run.stages()).allSatisfy(s -> assertThat(s.limit()).isPositive());
            // a stage is skipped only when less than its minimum and grace is left (the sweep's, 120 + 20 s, is the largest)
            if (run.skipped() > 0) assertThat(budget - run.worstCase()).as(run.output()).isLessThan(140);
            // the stages that stop themselves do so before they are stopped
            for (Stage s : run.stages())
                if (s.words().contains("--budget")) assertThat(Integer.parseInt(s.after("--budget"))).isPositive().isLessThan(s.limit());
        });
    }
    // end::budget[]

    // tag::search-order[]
    @Test
    void theLibrarySearchPrefersPyTorchsCudaSetToTheSystemsCuda(@TempDir Path root) throws Exception {
        String torch = "opt/torch/.venv/lib/python3.12/site-packages/nvidia";
        List<String> dirs = List.of(torch + "/cudnn/lib", torch + "/cu13/lib", "usr/local/cuda-13.0/targets/x86_64-linux/lib", "usr/lib/x86_64-linux-gnu");
        for (String d : dirs) Files.createDirectories(root.resolve(d));
        String libs = librariesSearched(dryRun(Map.of("NIN_SYSROOT", root.toString()), "check"));
        assertThat(libs.split(":")).containsExactly(dirs.stream().map(d -> root.resolve(d).toString()).toArray(String[]::new));
    }

    @Test
    void withoutPyTorchTheSearchFallsBackToTheSystemsCuda(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("usr/local/cuda-13.0/targets/x86_64-linux/lib"));
        String libs = librariesSearched(dryRun(Map.of("NIN_SYSROOT", root.toString()), "check"));
        assertThat(libs).isEqualTo(root.resolve("usr/local/cuda-13.0/targets/x86_64-linux/lib").toString());
    }
    // end::search-order[]

    private static String librariesSearched(DryRun run) {
        Stage check = run.matching("GpuCheck").getFirst();
        String line = run.output().lines().filter(l -> l.contains("NIN_CUDA_LIBS=")).findFirst().orElseThrow();
        assertThat(check.command()).doesNotContain("--cuda-libs");  // GpuCheck reads NIN_CUDA_LIBS
        return line.substring(line.indexOf("NIN_CUDA_LIBS=") + "NIN_CUDA_LIBS=".length());
    }
}
