package dev.nin.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Gen;
import org.quicktheories.core.Reporter;

/**
 * A claim checked on random cases: {@code Property.forAll(gen).tries(200).check(x -> assertThat(...))}.
 *
 * <p>QuickTheories does the search: it draws the cases, shrinks a failing one to a small counter-example and
 * makes the run repeatable from its seed. This class only adds what the book and CI need around it:
 * <ul>
 *   <li>the seed comes from {@code -DQT_SEED=…} when given (to rerun a failure), else a fresh one per property;</li>
 *   <li>{@code -Dnin.tries.factor=10} multiplies every property's tries (to hunt for rare failures);</li>
 *   <li>a case the claim does not speak about is {@link #discardIf discarded}, and too many discards fail the
 *       property, so it cannot pass vacuously;</li>
 *   <li>a failure names the seed, the smallest counter-example and the command that reruns it;</li>
 *   <li>the tries and checks of each property reach the book's result tables through {@link PropertyReport}.</li>
 * </ul>
 */
public final class Property<T> {

    /** The system property that multiplies every property's tries. */
    public static final String TRIES_FACTOR = "nin.tries.factor";

    /** jqwik's and Hypothesis's rule of thumb: more than five discarded cases per checked one means the generator is wrong. */
    private static final int MAX_DISCARD_RATIO = 5;

    private final Gen<T> values;
    private int tries = 100;
    private int shrinks = -1;

    private Property(Gen<T> values) {
        this.values = values;
    }

    /** The claim holds for every value {@code values} draws. */
    public static <T> Property<T> forAll(Gen<T> values) {
        return new Property<>(values);
    }

    /** The claim holds for every pair; shrinking works on both. */
    public static <A, B> Of2<A, B> forAll(Gen<A> a, Gen<B> b) {
        return new Of2<>(new Property<>(a.zip(b, Cases.Two::new)));
    }

    /** The claim holds for every triple; shrinking works on all three. */
    public static <A, B, C> Of3<A, B, C> forAll(Gen<A> a, Gen<B> b, Gen<C> c) {
        return new Of3<>(new Property<>(a.zip(b, c, Cases.Three::new)));
    }

    /** The claim holds for every quadruple; shrinking works on all four. */
    public static <A, B, C, D> Of4<A, B, C, D> forAll(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) {
        return new Of4<>(new Property<>(a.zip(b, c, d, Cases.Four::new)));
    }

    /**
     * How many random cases to draw (before {@value #TRIES_FACTOR} multiplies them). QuickTheories skips a case it
     * has already tried, so the tries it reports can be a few fewer (its edge values often coincide).
     */
    public Property<T> tries(int tries) {
        if (tries < 1) throw new IllegalArgumentException("tries must be at least 1, not " + tries);
        this.tries = tries;
        return this;
    }

    /** How many shrinking steps a failure may take (default 10 per try, at least 100): lower it for slow claims. */
    public Property<T> shrinks(int shrinks) {
        this.shrinks = shrinks;
        return this;
    }

    /** A claim about one case; AssertJ's assertions say what went wrong. */
    @FunctionalInterface
    public interface Claim<T> {
        void holdsFor(T value) throws Exception;
    }

    /** A claim about a pair, written with two parameters. */
    @FunctionalInterface
    public interface Claim2<A, B> {
        void holdsFor(A a, B b) throws Exception;
    }

    /** A claim about a triple, written with three parameters. */
    @FunctionalInterface
    public interface Claim3<A, B, C> {
        void holdsFor(A a, B b, C c) throws Exception;
    }

    /** A claim about a quadruple, written with four parameters. */
    @FunctionalInterface
    public interface Claim4<A, B, C, D> {
        void holdsFor(A a, B b, C c, D d) throws Exception;
    }

    /** Thrown by {@link #discardIf}: the case is not one the claim speaks about. */
    static final class Discarded extends RuntimeException {
        Discarded() {
            super(null, null, false, false);
        }
    }

    /** Skips the current case when {@code condition} holds; the property fails if it skips too many. */
    public static void discardIf(boolean condition) {
        if (condition) throw new Discarded();
    }

    /** Searches for a counter-example to {@code claim}; throws an AssertionError naming it and the seed. */
    public void check(Claim<? super T> claim) {
        long seed = Optional.ofNullable(System.getProperty(Configuration.SEED)).map(Long::parseLong)
                .orElseGet(() -> ThreadLocalRandom.current().nextLong());
        int factor = Integer.getInteger(TRIES_FACTOR, 1);
        int examples = tries * Math.max(1, factor);
        int shrinkCycles = shrinks >= 0 ? shrinks : Math.max(100, 10 * examples);
        Counts counts = new Counts();

        QuickTheory.qt()
                .withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(shrinkCycles)
                .withReporter(new Failure(seed, counts))
                .forAll(values)
                .check(value -> {
                    if (!counts.failed) counts.tries++;
                    try {
                        claim.holdsFor(value);
                        if (!counts.failed) counts.checks++;
                        return true;
                    } catch (Discarded d) {
                        return true; // not a counter-example, and not a check either
                    } catch (Throwable t) {
                        counts.failed = true;
                        throw sneaky(t);
                    }
                });

        PropertyReport.publish(counts.tries, counts.checks, seed);
        if (counts.checks == 0 || counts.tries - counts.checks > MAX_DISCARD_RATIO * counts.checks) {
            throw new AssertionError("the property discarded %d of its %d cases (seed %d): its cases rarely fit the claim, so passing would prove little; fix the generator"
                    .formatted(counts.tries - counts.checks, counts.tries, seed));
        }
    }

    /** A property of two values, checked by a claim with two parameters. */
    public record Of2<A, B>(Property<Cases.Two<A, B>> property) {
        public Of2<A, B> tries(int tries) {
            property.tries(tries);
            return this;
        }

        public Of2<A, B> shrinks(int shrinks) {
            property.shrinks(shrinks);
            return this;
        }

        public void check(Claim2<A, B> claim) {
            property.check(c -> claim.holdsFor(c.a(), c.b()));
        }
    }

    /** A property of three values, checked by a claim with three parameters. */
    public record Of3<A, B, C>(Property<Cases.Three<A, B, C>> property) {
        public Of3<A, B, C> tries(int tries) {
            property.tries(tries);
            return this;
        }

        public Of3<A, B, C> shrinks(int shrinks) {
            property.shrinks(shrinks);
            return this;
        }

        public void check(Claim3<A, B, C> claim) {
            property.check(c -> claim.holdsFor(c.a(), c.b(), c.c()));
        }
    }

    /** A property of four values, checked by a claim with four parameters. */
    public record Of4<A, B, C, D>(Property<Cases.Four<A, B, C, D>> property) {
        public Of4<A, B, C, D> tries(int tries) {
            property.tries(tries);
            return this;
        }

        public Of4<A, B, C, D> shrinks(int shrinks) {
            property.shrinks(shrinks);
            return this;
        }

        public void check(Claim4<A, B, C, D> claim) {
            property.check(c -> claim.holdsFor(c.a(), c.b(), c.c(), c.d()));
        }
    }

    private static final class Counts {
        int tries, checks;
        boolean failed;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** Turns QuickTheories' findings into one message: what failed, the smallest case, how to rerun it (0.26 spells the method "falisification"). */
    private record Failure(long seed, Counts counts) implements Reporter {

        @Override
        public void falisification(long seed, int count, Object smallest, Throwable cause, List<Object> examples,
                                  AsString<Object> toString) {
            throw new AssertionError(message(smallest, cause, toString), cause);
        }

        @Override
        public void falisification(long seed, int count, Object smallest, List<Object> examples, AsString<Object> toString) {
            throw new AssertionError(message(smallest, null, toString));
        }

        @Override
        public void valuesExhausted(int completedExamples) {
            throw new AssertionError("the generator could not produce a case within its assumptions after %d cases (seed %d): loosen its filter"
                    .formatted(completedExamples, seed));
        }

        private String message(Object smallest, Throwable cause, AsString<Object> toString) {
            String test = caller().map(s -> s.getClassName().substring(s.getClassName().lastIndexOf('.') + 1) + "#" + s.getMethodName())
                    .orElse("<TestClass>#<property>");
            List<String> lines = new ArrayList<>();
            lines.add("property falsified after %d tries; smallest counter-example:".formatted(counts.tries));
            lines.add("    " + toString.asString(smallest));
            if (cause != null) lines.add("because: " + firstLine(cause));
            lines.add("seed %d; rerun exactly this search with:".formatted(seed));
            lines.add("    ./nin mvn -B test -Dtest='%s' -DQT_SEED=%d".formatted(test, seed));
            return String.join(System.lineSeparator(), lines);
        }

        private static String firstLine(Throwable t) {
            String m = String.valueOf(t.getMessage()).strip();
            return m.lines().limit(6).reduce((a, b) -> a + System.lineSeparator() + "    " + b).orElse(t.toString());
        }

        /** The test method that called check: the first frame outside this package and QuickTheories. */
        private static Optional<StackWalker.StackFrame> caller() {
            return StackWalker.getInstance().walk(frames -> frames
                    .filter(f -> !f.getClassName().startsWith("dev.nin.testing.") && !f.getClassName().startsWith("org.quicktheories")
                            && !f.getClassName().startsWith("java.") && f.getClassName().startsWith("dev.nin."))
                    .filter(f -> !f.getMethodName().startsWith("lambda$"))
                    .findFirst());
        }
    }
}
