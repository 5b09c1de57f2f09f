package dev.nin.train.record;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch reference runs written by {@code torch_nin.py} (the chapter's training in PyTorch on the GPU
 * machine), read as {@link RunRecord}s so the book shows them exactly like ours. One file holds one or more
 * runs (one per seed) sharing device, PyTorch and cuDNN versions, lr, batch size and resize.
 */
public final class TorchNinResults {

    /** Python's json.dump writes a diverged loss as the bare token NaN, which strict JSON forbids. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** ln 10: the cross-entropy of a network that gives all ten classes the same score. */
    static final double CHANCE_LOSS = Math.log(10);

    private TorchNinResults() {
    }

    /** True when {@code json} has the shape torch_nin.py writes (a "runs" list beside "torch" and "device"). */
    public static boolean looksLike(JsonNode json) {
        return json != null && json.path("runs").isArray() && json.has("torch") && json.has("device");
    }

    public static List<RunRecord> read(Path file) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new RecordFileException(file, "missing (no such file)", e);
        } catch (JacksonException e) {
            throw new RecordFileException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!looksLike(json))
            throw new RecordFileException(file, "not a torch_nin.py result: needs \"runs\", \"torch\" and \"device\"", null);
        List<RunRecord> runs = new ArrayList<>();
        for (JsonNode run : json.get("runs")) runs.add(run(file, json, run));
        return runs;
    }

    private static RunRecord run(Path file, JsonNode top, JsonNode run) throws RecordFileException {
        JsonNode epochs = run.path("epochs");
        if (!epochs.isArray() || !run.path("examples_per_s").isNumber())
            throw new RecordFileException(file, "a run of a torch_nin.py result needs \"epochs\" and \"examples_per_s\"", null);
        double examplesPerSecond = run.get("examples_per_s").asDouble();
        double trainingSeconds = 0;
        for (JsonNode e : epochs) trainingSeconds += number(file, e, "epoch_s");
        // torch_nin.py stores only the total rate; every epoch sees the whole training set, so its size is
        // rate × training time / epochs, and each epoch's rate is that size over the epoch's time
        double examplesPerEpoch = epochs.isEmpty() ? 0 : Math.round(examplesPerSecond * trainingSeconds / epochs.size());
        List<EpochMetrics> metrics = new ArrayList<>();
        for (JsonNode e : epochs) {
            double seconds = number(file, e, "epoch_s");
            metrics.add(new EpochMetrics(e.path("epoch").asInt(), number(file, e, "loss"), number(file, e, "train_acc"),
                    number(file, e, "test_acc"), seconds, seconds > 0 ? examplesPerEpoch / seconds : 0));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", top.path("lr").asDouble());
        config.put("batchSize", top.path("batch_size").asInt());
        config.put("resize", top.path("resize").asInt());
        config.put("amp", top.path("amp").asBoolean());
        config.put("seed", run.path("seed").asInt());
        config.put("epochs", metrics.size());
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("gpu", top.get("device").asText());
        provenance.put("pytorch", top.get("torch").asText());
        provenance.put("cudnn", top.path("cudnn").asText("unknown"));
        provenance.put("script", "torch_nin.py");
        provenance.put("file", file.getFileName().toString());
        if (top.path("libraries").isArray() && !top.get("libraries").isEmpty()) {
            List<String> libraries = new ArrayList<>();
            top.get("libraries").forEach(l -> libraries.add(l.asText()));
            provenance.put("libraries.loaded", String.join(", ", libraries));
        }
        String[] outcome = outcome(metrics);
        // written after every epoch: "complete": false is a run stopped by its budget or from outside
        if (run.path("complete").isBoolean() && !run.get("complete").asBoolean() && outcome[0].equals(RunRecord.COMPLETED)) {
            outcome = new String[]{RunRecord.INTERRUPTED, "stopped after " + metrics.size() + " of "
                    + top.path("epochs").asText("?") + " epochs (torch_nin.py's --budget or the call's time limit)"};
        }
        return new RunRecord("pytorch-reference", config, "PyTorch " + top.get("torch").asText(), top.get("device").asText(),
                provenance, metrics, examplesPerSecond, Math.round(run.path("peak_mem_mib").asDouble() * 1024 * 1024),
                trainingSeconds, outcome[0], outcome[1]);
    }

    /**
     * torch_nin.py does not say how a run ended, so the numbers do: a loss that is not finite diverged; a
     * final loss at ln 10 with accuracy at chance (0.1) is the dead network of the learner's first run.
     */
    static String[] outcome(List<EpochMetrics> epochs) {
        if (epochs.isEmpty()) return new String[]{RunRecord.INTERRUPTED, "no epoch finished"};
        EpochMetrics last = epochs.getLast();
        if (epochs.stream().anyMatch(e -> !Double.isFinite(e.loss())))
            return new String[]{RunRecord.DIVERGED, "the loss stopped being a finite number"};
        // 0.01 either side: the learner's dead run printed loss 2.303 and accuracies 0.100 after 10 epochs
        if (Math.abs(last.loss() - CHANCE_LOSS) < 0.01 && last.trainAcc() < 0.11 && last.testAcc() < 0.11)
            return new String[]{RunRecord.DEAD, "loss stuck at ln 10 and accuracy at chance: every class gets the same score"};
        return new String[]{RunRecord.COMPLETED, epochs.size() + " epochs run by torch_nin.py"};
    }

    private static double number(Path file, JsonNode epoch, String field) throws RecordFileException {
        JsonNode value = epoch.get(field);
        if (value == null || !value.isNumber())
            throw new RecordFileException(file, "an epoch of a torch_nin.py run has no number \"" + field + "\"", null);
        return value.asDouble();
    }
}
