package dev.nin.testing;

/** The tuples that {@link Property#forAll} draws when a claim takes several values; each prints as {@code (a, b, …)}. */
public final class Cases {
    private Cases() {
    }

    public record Two<A, B>(A a, B b) {
        @Override
        public String toString() {
            return "(%s, %s)".formatted(a, b);
        }
    }

    public record Three<A, B, C>(A a, B b, C c) {
        @Override
        public String toString() {
            return "(%s, %s, %s)".formatted(a, b, c);
        }
    }

    public record Four<A, B, C, D>(A a, B b, C c, D d) {
        @Override
        public String toString() {
            return "(%s, %s, %s, %s)".formatted(a, b, c, d);
        }
    }
}
