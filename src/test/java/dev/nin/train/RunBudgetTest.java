package dev.nin.train;

import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** The time budget of a series of runs, on a clock the test moves. */
@Tag(Chapters.GPU)
class RunBudgetTest {
    private final AtomicLong now = new AtomicLong();

    private void pass(double seconds) {
        now.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void withoutABudgetThereIsAlwaysRoom() {
        RunBudget none = new RunBudget(0, now::get);
        pass(1e6);
        none.finished(0);
        assertThat(none.limited()).isFalse();
        assertThat(none.roomForAnother()).isTrue();
    }

    @Test
    void theFirstRunStartsEvenLateAndTheNextOnlyIfTheLongestRunSoFarStillFits() {
        RunBudget budget = new RunBudget(25, now::get);
        pass(30);
        assertThat(budget.roomForAnother()).as("nothing measured yet").isTrue();

        RunBudget fresh = new RunBudget(25, now::get);
        double start = fresh.elapsed();
        pass(10);
        fresh.finished(start);
        assertThat(fresh.roomForAnother()).as("10 s used, a 10 s run ends at 20 s").isTrue();
        start = fresh.elapsed();
        pass(6);
        fresh.finished(start);
        assertThat(fresh.roomForAnother()).as("16 s used, the longest run (10 s) would end at 26 s").isFalse();
    }

    // tag::property[]
    @Test
    void runsNoLongerThanTheFirstNeverEndAfterTheBudgetAndStopOnlyWhenTheLongestWouldNotFit() {
        forAll(integers().between(1, 600), lists().of(integers().between(1, 60)).ofSizeBetween(1, 40)).tries(300).check((seconds, durations) -> {
            AtomicLong clock = new AtomicLong();
            RunBudget budget = new RunBudget(seconds, clock::get);
            int first = durations.getFirst(), longest = 0, ran = 0;
            for (int d : durations) {
                int run = Math.min(d, first);  // the claim is about runs no longer than the first
                if (!budget.roomForAnother()) {
                    assertThat(budget.elapsed() + longest).isGreaterThan(seconds);
                    break;
                }
                double start = budget.elapsed();
                clock.addAndGet(run * 1_000_000_000L);
                budget.finished(start);
                longest = Math.max(longest, run);
                ran++;
                if (ran > 1) assertThat(budget.elapsed()).isLessThanOrEqualTo(seconds);
            }
        });
    }
    // end::property[]

    @Test
    void aBudgetThatIsNotANumberIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunBudget(Double.NaN, now::get))
                .hasMessage("--budget must be a number of seconds");
        assertThat(List.of(RunBudget.of(5).limited(), RunBudget.none().limited())).containsExactly(true, false);
    }
}
