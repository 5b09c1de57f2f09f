package dev.nin.train;

import dev.nin.model.MemoryCost;
import dev.nin.model.Nin;
import dev.nin.model.Shape;
import dev.nin.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A configuration is refused when the project's own memory count exceeds what is available, and only then. */
@Tag("training")
class MemoryBudgetTest {

    @Test
    void theNeedIsTheTrainingMemoryCountAtTheBatchSize() {
        assertThat(MemoryBudget.need(Nin.spec(224), 224, 128))
                .isEqualTo(MemoryCost.training(Nin.spec(224), Shape.of(128, 1, 224, 224), MemoryCost.Optimizer.SGD).total());
    }

    @Test
    void aConfigurationIsRefusedExactlyWhenItsNeedExceedsTheAvailableMemory() {
        long need = MemoryBudget.need(Nin.spec(224), 224, 128);  // 1.55 GiB
        assertThatCode(() -> MemoryBudget.require(Nin.spec(224), 224, 128, need, "available")).doesNotThrowAnyException();
        assertThatThrownBy(() -> MemoryBudget.require(Nin.spec(224), 224, 128, need - 1, "available"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--resize 224 with --batch-size 128 needs about 1.6 GiB for the network's arrays (its memory count), "
                        + "more than the 1.6 GiB available; use a smaller --resize or --batch-size");
        assertThatCode(() -> MemoryBudget.require(Nin.spec(224), 224, 128, 0, "unknown")).as("0 means unknown").doesNotThrowAnyException();
    }

    @Test
    void anArrayLargerThanAnIndexReachesIsRefusedWhateverTheMemory() {
        // resize 100000 crashed the JVM inside the native library: its first convolution's output has 3.8e12 values
        assertThatThrownBy(() -> MemoryBudget.require(Nin.spec(100_000), 100_000, 1, Long.MAX_VALUE, "available"))
                .hasMessageContaining("--resize 100000 with --batch-size 1 makes an array of 59,990,400,384 values");
    }

    @Test
    void theReferenceBackendIsBoundedByTheJavaHeap() {
        long need = MemoryBudget.need(Nin.spec(1000), 1000, 64);  // 17 GiB
        assumeTrue(MemoryBudget.heapAvailableBytes() < need, "a heap smaller than 17 GiB (surefire gives 6)");
        assertThatThrownBy(() -> MemoryBudget.require(Nin.spec(1000), 1000, 64, new ReferenceBackend()))
                .hasMessageContaining("needs about 17.0 GiB");
    }

    @Test
    void theMachinesAvailableMemoryIsKnownOnLinuxAndBelowItsTotal() {
        assumeTrue(Files.isReadable(Path.of("/proc/meminfo")), "Linux");
        assertThat(MemoryBudget.machineAvailableBytes()).isPositive().isLessThan(1L << 50);
    }
}
