package dev.nin.book;

import dev.nin.train.record.ProfileRecord;
import dev.nin.train.record.RunRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpProfilesTest {

    static ProfileRecord profile(String convolutions, double convMs, double reluMs) {
        return new ProfileRecord(ProfileRecord.KIND, "cpu", "2 cores, AMD EPYC", 72, 128, 5, List.of(
                new ProfileRecord.Op("conv2dBackward", "[128, 96, 16, 16]", 2, convMs / 2),
                new ProfileRecord.Op("conv2dBackward", "[128, 256, 7, 7]", 2, convMs / 2),
                new ProfileRecord.Op("reluBackward", "[128, 96, 16, 16]", 3, reluMs)),
                Map.of("convolutions", convolutions), Map.of(), "2026-11-28T00:00:00Z");
    }

    @Test
    void profilesStandSideBySideOneRowPerKindOfOpWithTheWholeStep(@TempDir Path results) throws Exception {
        RunRecords.write(profile("libnd4j", 200, 10), results.resolve("bench/libnd4j/profile-cpu-r72-b128.json"));
        RunRecords.write(profile("oneDNN 2.6.3", 100, 12), results.resolve("bench/profile-cpu-r72-b128.json"));
        String table = OpProfiles.table(OpProfiles.read(results));
        assertThat(table).contains(".One training step at 72×72, batch 128, 2 cores, AMD EPYC, milliseconds per step")
                .contains("|Op |Convolutions in libnd4j |Convolutions in oneDNN 2.6.3")
                .contains("|convolution backward (data, weights, bias) |200.0 |100.0")
                .contains("|ReLU backward |10.0 |12.0")
                .contains("|*the whole step* |*210.0* (610 images/s) |*112.0* (1143 images/s)");
        assertThat(table.indexOf("convolution backward")).isLessThan(table.indexOf("ReLU backward"));  // slowest first
    }

    @Test
    void withoutProfilesTheTableSaysHowToMakeOne(@TempDir Path results) throws Exception {
        assertThat(OpProfiles.table(OpProfiles.read(results))).startsWith("No profile is committed yet");
    }
}
