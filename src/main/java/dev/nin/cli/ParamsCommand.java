package dev.nin.cli;

import dev.nin.model.AlexNet;
import dev.nin.model.LayerSpec;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.ParameterCount;
import dev.nin.model.Stage;
import java.io.PrintStream;
import java.util.List;

/** {@code ./nin params}: NiN's learnable parameters per layer, per block and in total, beside AlexNet's total. */
final class ParamsCommand implements Command {

    @Override
    public String summary() {
        return "print NiN's parameters per layer, per block and in total, and AlexNet's total";
    }

    @Override
    public int run(List<String> args, PrintStream out) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: ./nin params\n  NiN's learnable parameters per layer, per block and in total, and AlexNet's total");
            return 0;
        }
        if (!args.isEmpty()) throw new IllegalArgumentException("takes no arguments, got " + String.join(" ", args));
        out.print(table(Nin.spec()));
        out.printf("%nAlexNet total: %,d parameters%n", ParameterCount.of(AlexNet.spec()));
        return 0;
    }

    static String table(NetworkSpec net) {
        StringBuilder sb = new StringBuilder(String.format("%-10s %-40s %12s%n", "stage", "layer", "parameters"));
        for (Stage stage : net.stages()) {
            for (LayerSpec layer : stage.layers()) {
                long n = ParameterCount.of(layer);
                if (n > 0) sb.append(String.format("%-10s %-40s %,12d%n", stage.name(), layer.label(), n));
            }
            long perStage = ParameterCount.of(stage);
            if (perStage > 0) sb.append(String.format("%-10s %-40s %,12d%n", "", "= " + stage.name() + " total", perStage));
        }
        sb.append(String.format("%-10s %-40s %,12d%n", net.name(), "total", ParameterCount.of(net)));
        return sb.toString();
    }
}
