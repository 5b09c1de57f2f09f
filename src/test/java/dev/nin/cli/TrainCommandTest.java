package dev.nin.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Invalid values are refused before any data is loaded, with a message naming the flag and the value. */
@Tag("training")
class TrainCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "train --lr abc              | --lr must be a number, got 'abc'",
            "train --lr -1               | --lr must be a positive number, got -1.0",
            "train --epochs 0            | --epochs must be at least 1, got 0",
            "train --batch-size x        | --batch-size must be a whole number, got 'x'",
            "train --resize 50           | NiN needs inputs of at least 67x67 pixels",
            "train --limit -5            | --limit must be 0 (all) or a positive number",
            "train --init he             | --init must be one of [xavier, kaiming, kaiming-live-classes], got 'he'",
            "train --device tpu          | --device must be one of [reference, cpu, gpu, auto], got 'tpu'",
            "train --fast                | unknown argument '--fast'",
            "train --variant wide        | --variant must be one of nin, one-1x1, head-3x3, head-1x1, no-final-relu, got 'wide'",
            "train --seed                | --seed needs a value",
            "train --momentum 1          | --momentum must be at least 0 and below 1 (0.9 is usual), got 1.0",
            "train --momentum -0.5       | --momentum must be at least 0 and below 1 (0.9 is usual), got -0.5",
            "train --momentum fast       | --momentum must be a number, got 'fast'",
            "train --weight-decay -1e-4  | --weight-decay must be 0 or a positive number (5e-4 is usual), got -1.0E-4",
            "train --weight-decay NaN    | --weight-decay must be 0 or a positive number (5e-4 is usual), got NaN",
            "train --schedule cosine     | --schedule must be one of [constant, warmup-cosine, warmup-constant], got 'cosine'",
            "bench --resize 30           | NiN needs inputs of at least 67x67 pixels",
            "bench --steps 0             | --steps must be at least 1",
            "bench --rounds 0            | --rounds must be at least 1, got 0",
    })
    void invalidValuesAreRefusedWithAClearMessage(String command, String message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(command.strip().split(" +"), new PrintStream(out), new PrintStream(err));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void theHelpNamesTheOptimizerFlags() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertThat(Main.run(new String[]{"train", "--help"}, new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString()).contains("--momentum M", "--weight-decay W", "--schedule constant|warmup-cosine",
                "first 5% of the steps");
    }

    /** The records the book and exercise 1 quote as ./nin train's default were made with exactly that default. */
    @org.junit.jupiter.api.Test
    void theCommittedDefaultRunsWereMadeWithTheDefault() throws Exception {
        java.util.List<java.nio.file.Path> records;
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("docs/results/cpu/tuning"))) {
            records = files.filter(f -> f.getFileName().toString().matches("default-s\\d+\\.json")).sorted().toList();
        }
        assertThat(records).as("the default's runs, one per seed").hasSizeGreaterThanOrEqualTo(3)
                .anyMatch(f -> f.endsWith(java.nio.file.Path.of(dev.nin.exercises.Questions.QUICK_RECORD).getFileName()));
        for (var f : records) {
            var config = dev.nin.train.record.RunRecords.read(f).config();
            TrainCommand.QUICK.toMap().forEach((key, value) -> {
                if (!key.equals("seed")) assertThat(String.valueOf(config.get(key))).as("%s: %s", f, key).isEqualTo(String.valueOf(value));
            });
            assertThat(config.get("network")).isEqualTo("NiN");
        }
    }
}
