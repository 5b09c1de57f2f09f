package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import dev.nin.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GpuCheck is run first on a GPU machine whose time is short, so its own checks are tried here: the reference
 * against itself must pass every check bit for bit (shapes consistent, views and running sums handled).
 */
@Tag(Chapters.GPU)
class GpuCheckHarnessTest {

    @Test
    void theReferenceAgreesWithItselfOnEveryCheck() {
        try (ReferenceBackend a = new ReferenceBackend(); ReferenceBackend b = new ReferenceBackend()) {
            assertThat(GpuCheck.compareBackends(a, b, true)).isZero();
        }
    }
}
