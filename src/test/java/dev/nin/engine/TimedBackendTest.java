package dev.nin.engine;

import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The profiler's backend computes what the backend it wraps computes, and counts each timed op by name and shape. */
class TimedBackendTest {

    @Test
    void forwardsEveryCallAndCountsOnlyWhileStarted() {
        try (ReferenceBackend inner = new ReferenceBackend()) {
            TimedBackend timed = new TimedBackend(inner);
            Backend be = timed.backend();
            Tensor x = be.allocate(Shape.of(1, 1, 2, 2)), y = be.allocate(Shape.of(1, 1, 2, 2));
            be.upload(new float[]{-1, 2, -3, 4}, x);
            be.relu(x, y);                          // before start: not counted
            timed.start();
            be.relu(x, y);
            be.relu(x, y);
            be.fill(x, 7f);
            timed.stop();
            be.relu(x, y);                          // after stop: not counted
            float[] out = new float[4];
            be.download(y, out);
            assertThat(out).containsExactly(7, 7, 7, 7);
            assertThat(timed.entries()).extracting(TimedBackend.Entry::op, TimedBackend.Entry::shape, TimedBackend.Entry::calls)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("relu", Shape.of(1, 1, 2, 2), 2),
                            org.assertj.core.groups.Tuple.tuple("fill", Shape.of(1, 1, 2, 2), 1));
            assertThat(timed.entries()).allSatisfy(e -> assertThat(e.seconds()).isPositive());
        }
    }

    @Test
    void anOpsExceptionReachesTheCallerUnwrapped() {
        try (ReferenceBackend inner = new ReferenceBackend()) {
            Backend be = new TimedBackend(inner).backend();
            Tensor t = be.allocate(Shape.of(2));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> be.upload(new float[1], t))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
