package dev.nin.testing;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Publishes each property's tries, checks and seed as a JUnit report entry of the test that ran it, where
 * {@code dev.nin.book.ChapterResultsListener} reads them for the book's result tables. Registered for every test
 * through JUnit's extension auto-detection (junit-platform.properties and META-INF/services).
 */
public final class PropertyReport implements BeforeTestExecutionCallback, AfterTestExecutionCallback {

    private static final ThreadLocal<ExtensionContext> CURRENT = new ThreadLocal<>();

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        CURRENT.set(context);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        CURRENT.remove();
    }

    /** Called by {@link Property#check} once its search ends; a property run outside JUnit reports nowhere. */
    static void publish(int tries, int checks, long seed) {
        ExtensionContext context = CURRENT.get();
        if (context != null) {
            context.publishReportEntry(Map.of("property", "tries = %d, checks = %d, seed = %d".formatted(tries, checks, seed)));
        }
    }
}
