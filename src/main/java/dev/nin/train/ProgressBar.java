package dev.nin.train;

import java.io.PrintStream;

/**
 * One epoch's progress: on a terminal a bar redrawn in place, elsewhere (a log, CI) a line at every tenth
 * of the epoch, so a log shows the same numbers without hundreds of lines.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private int lastTenth = -1;

    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar for standard output, drawn in place when it is a terminal. */
    public static ProgressBar console() {
        var console = System.console();
        return new ProgressBar(System.out, console != null && console.isTerminal());
    }

    public void start() {
        lastTenth = -1;
    }

    public void update(int epoch, int epochs, int step, int steps, double examplesPerSecond, double loss) {
        int filled = (int) ((long) WIDTH * step / steps);
        String line = String.format("epoch %d/%d [%s%s] %d/%d  %.1f examples/sec  loss %.3f", epoch, epochs,
                "#".repeat(filled), ".".repeat(WIDTH - filled), step, steps, examplesPerSecond, loss);
        if (terminal) {
            out.print("\r" + line);
            if (step == steps) out.println();
        } else {
            int tenth = (int) (10L * step / steps);
            if (tenth > lastTenth) {
                out.println(line);
                lastTenth = tenth;
            }
        }
        out.flush();
    }
}
