package dev.nin.train.record;

import java.util.List;
import java.util.Map;

/**
 * Where one training step's time went ({@code ./nin bench --profile}): every backend op of the step, by name and the
 * shape of its first tensor, with its calls and milliseconds per step, each op waited for. {@code engine} is the
 * backend's provenance (for the CPU, which library ran the convolutions).
 */
public record ProfileRecord(String kind, String backend, String device, int resize, int batchSize, int steps,
                            List<Op> ops, Map<String, String> engine, Map<String, String> provenance, String date) {

    public static final String KIND = "op-profile";

    /** One op: "conv2dBackward", "[128, 96, 16, 16]", its calls per step and its milliseconds per step. */
    public record Op(String op, String shape, int calls, double milliseconds) {
    }

    public ProfileRecord {
        ops = List.copyOf(ops);
    }

    /** The step's total: the sum of its ops. */
    public double totalMilliseconds() {
        return ops.stream().mapToDouble(Op::milliseconds).sum();
    }
}
