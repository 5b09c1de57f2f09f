package dev.nin.model;

import java.util.ArrayList;
import java.util.List;

/** What the chapter prints when it pushes one input through the network stage by stage. */
public final class ShapeTrace {

    /** One line of the trace: a stage's name and the shape it outputs. */
    public record Line(String name, Shape output) {
        // tag::trace-line[]
        @Override
        public String toString() {
            return name + " output shape:\t " + output;
        }
        // end::trace-line[]
    }

    private ShapeTrace() {
    }

    // tag::trace[]
    public static List<Line> of(NetworkSpec net, Shape input) {
        List<Line> lines = new ArrayList<>();
        Shape x = input;
        for (Stage stage : net.stages()) {
            x = stage.outputShape(x);
            lines.add(new Line(stage.name(), x));
        }
        return lines;
    }
    // end::trace[]

    /** The whole trace as text, one line per stage. */
    public static String format(NetworkSpec net, Shape input) {
        StringBuilder sb = new StringBuilder();
        for (Line l : of(net, input)) sb.append(l).append('\n');
        return sb.toString();
    }
}
