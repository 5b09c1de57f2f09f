package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("training")
class HealthCheckTest {
    final Backend b = new ReferenceBackend();
    final Parameter p = new Parameter("w", b.allocate(Shape.of(3)), b.allocate(Shape.of(3)));
    final HealthCheck health = new HealthCheck(b, List.of(p));

    @Test
    void aNotANumberLossIsDivergence() {
        assertThat(health.check(Double.NaN, 2, 40).outcome()).isEqualTo("diverged");
        assertThat(health.check(Double.POSITIVE_INFINITY, 2, 40).message()).contains("epoch 2").contains("step 40");
    }

    // tag::dead[]
    @Test
    void aLossPinnedAtLn10WithZeroGradientsIsDeathAfterEnoughChecks() {
        for (int i = 1; i < HealthCheck.DEAD_CHECKS; i++) {
            assertThat(health.check(2.302585, 1, 20 * i).failed()).as("check %d", i).isFalse();
        }
        HealthCheck.Verdict v = health.check(2.3030, 1, 100);
        assertThat(v.outcome()).isEqualTo("dead");
        assertThat(v.message()).contains("ln 10");
    }
    // end::dead[]
    @Test
    void aLivingGradientOrALossAwayFromLn10IsHealthy() {
        b.upload(new float[]{0, 1e-3f, 0}, p.gradient());
        for (int i = 0; i < 2 * HealthCheck.DEAD_CHECKS; i++) assertThat(health.check(2.302585, 1, i).failed()).isFalse();
        b.fill(p.gradient(), 0);
        for (int i = 0; i < 2 * HealthCheck.DEAD_CHECKS; i++) assertThat(health.check(2.31, 1, i).failed()).isFalse();
    }

    @Test
    void oneLivelyCheckResetsTheCount() {
        for (int i = 1; i < HealthCheck.DEAD_CHECKS; i++) health.check(2.302585, 1, i);
        health.check(1.9, 1, 99);
        assertThat(health.check(2.302585, 1, 100).failed()).isFalse();
    }
}
