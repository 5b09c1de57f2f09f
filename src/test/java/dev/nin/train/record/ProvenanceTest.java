package dev.nin.train.record;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Provenance names this machine and moment. */
@Tag("records")
class ProvenanceTest {

    @Test
    void itNamesTheMachineTheJavaTheCommitAndTheDate() {
        Map<String, String> p = Provenance.collect();

        assertThat(p).containsKeys("host", "cpu", "cores", "memoryBytes", "os", "java", "commit", "dirty", "date");
        assertThat(p.get("cores")).isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(p.get("java")).startsWith(Integer.toString(Runtime.version().feature()));
        assertThat(p.get("cpu")).isNotBlank();
        assertThat(p.get("commit")).isNotBlank(); // git's hash, NIN_COMMIT or "unknown"
        assertThat(p.get("dirty")).isIn("true", "false", "unknown");
        assertThat(OffsetDateTime.parse(p.get("date"))).isBetween(OffsetDateTime.now().minusMinutes(1), OffsetDateTime.now().plusMinutes(1));
    }

    @Test
    void insideThisRepositoryTheCommitIsGitsShortHash() {
        String head = Provenance.git("rev-parse", "--short", "HEAD");
        org.junit.jupiter.api.Assumptions.assumeFalse(head.equals("unknown"), "not run inside a git checkout");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("NIN_COMMIT") == null, "NIN_COMMIT overrides git");

        assertThat(Provenance.collect().get("commit")).isEqualTo(head).matches("[0-9a-f]{4,40}");
    }

    @Test
    void memoryIsAPositiveNumberOfBytesOnLinux() {
        String memory = Provenance.memoryBytes();
        org.junit.jupiter.api.Assumptions.assumeFalse(memory.equals("unknown"), "no /proc/meminfo here");

        assertThat(Long.parseLong(memory)).isGreaterThan(100L << 20);
    }
}
