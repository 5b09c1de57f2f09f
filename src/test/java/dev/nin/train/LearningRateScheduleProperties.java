package dev.nin.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

@Tag("training")
class LearningRateScheduleProperties {

    @Test
    void theConstantScheduleIsTheBaseRateAtEveryStep() {
        forAll(doubles().between(1e-6, 10), integers().between(1, 100_000), doubles().between(0, 1)).tries(200).check((base, total, at) -> {
            long step = Math.round(at * total);
            assertThat(LearningRateSchedule.CONSTANT.lr(base, step, total)).isEqualTo(base);  // exactly: the chapter's run is unchanged
        });
    }

    // tag::warmup-cosine[]
    @Test
    void warmupCosineRisesToTheBaseRateThenFallsToZeroAtTheEnd() {
        var s = LearningRateSchedule.WARMUP_COSINE;
        forAll(doubles().between(1e-6, 10), integers().between(1, 5_000)).tries(100).check((base, total) -> {
            long warmup = LearningRateSchedule.warmupSteps(total);
            assertThat(warmup).isBetween(1L, Math.max(1L, total / 20));
            assertThat(s.lr(base, 0, total)).isEqualTo(base * (1.0 / warmup));  // a small first step on fresh weights
            assertThat(s.lr(base, warmup - 1, total)).isEqualTo(base);      // the warm-up ends at the base rate
            assertThat(s.lr(base, total, total)).isLessThan(1e-12 * base);  // and the curve ends at 0
            for (long i = 0; i < total; i++) {  // AssertJ only where a step breaks the claim: thousands of steps per case
                double now = s.lr(base, i, total), next = s.lr(base, i + 1, total);
                boolean inRange = now > 0 && now <= base, ordered = i + 1 < warmup ? next > now : next <= now;
                if (!inRange) assertThat(now).as("step %d", i).isPositive().isLessThanOrEqualTo(base);
                if (!ordered) fail("lr %s at step %d, then %s: %s", now, i, next, i + 1 < warmup ? "not rising while warming up" : "rising while decaying");
            }
        });
    }
    // end::warmup-cosine[]

    @Test
    void warmupConstantWarmsUpAsWarmupCosineThenKeepsTheBaseRate() {
        forAll(doubles().between(1e-6, 10), integers().between(1, 100_000), doubles().between(0, 1)).tries(200).check((base, total, at) -> {
            long step = Math.round(at * total), warmup = LearningRateSchedule.warmupSteps(total);
            double lr = LearningRateSchedule.WARMUP_CONSTANT.lr(base, step, total);
            if (step < warmup) assertThat(lr).isEqualTo(LearningRateSchedule.WARMUP_COSINE.lr(base, step, total));
            else assertThat(lr).isEqualTo(base);
        });
    }

    @Test
    void aStepOutsideTheRunOrAnUnknownNameIsRefused() {
        assertThatThrownBy(() -> LearningRateSchedule.WARMUP_COSINE.lr(0.1, 11, 10)).hasMessageContaining("step 11 of a run of 10");
        assertThatThrownBy(() -> LearningRateSchedule.parse("cosine")).hasMessage("--schedule must be one of [constant, warmup-cosine, warmup-constant], got 'cosine'");
        assertThat(LearningRateSchedule.parse("warmup-cosine")).isEqualTo(LearningRateSchedule.WARMUP_COSINE);
    }
}
