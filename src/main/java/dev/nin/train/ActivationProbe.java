package dev.nin.train;

import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;
import dev.nin.train.record.LayerActivity;

import java.util.ArrayList;
import java.util.List;

/**
 * How alive a network's ReLUs are on one batch: for every layer that ends in a ReLU, the fraction of its
 * outputs that are positive, and for the last one (whose channels are NiN's ten class scores) the fraction
 * per channel. A dead NiN shows 0 in its last layer: every class score is 0 for every image, so the loss is
 * ln 10 and no gradient passes back. Runs in evaluation mode (dropout off); reads outputs with
 * {@code Backend.download} only, so it works on every backend.
 */
public final class ActivationProbe {

    private ActivationProbe() {
    }

    // tag::probe[]
    public static List<LayerActivity> measure(Network net, Tensor x) {
        List<LayerActivity> activity = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        String[] previous = {"input"};
        net.forward(x, false, (layer, y) -> {
            String name = switch (layer) {
                case Conv2d c when c.fusedRelu() -> describe(c) + " + ReLU";
                case ReLU r -> "ReLU after " + previous[0];
                default -> null;  // not a ReLU: nothing to count
            };
            if (layer instanceof Conv2d c) previous[0] = describe(c);
            if (name == null) return;
            float[] values = new float[(int) y.size()];
            net.backend().download(y, values);
            names.add(name);
            outputs.add(values);
            shapes.add(y.shape());
        });
        for (int i = 0; i < outputs.size(); i++) {
            boolean last = i == outputs.size() - 1;  // its channels are the class scores
            activity.add(new LayerActivity(names.get(i), positive(outputs.get(i)),
                    last ? perChannel(outputs.get(i), shapes.get(i)) : List.of()));
        }
        return activity;
    }

    /** The fraction of values above zero. */
    static double positive(float[] values) {
        long alive = 0;
        for (float v : values) if (v > 0) alive++;
        return (double) alive / values.length;
    }

    /** The fraction of positive values of each channel of an (N, C, H, W) output, over N, H and W. */
    static List<Double> perChannel(float[] values, Shape shape) {
        int n = shape.dim(0), channels = shape.dim(1), plane = (int) (shape.size() / ((long) n * channels));
        List<Double> fractions = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            long alive = 0;
            for (int e = 0; e < n; e++)
                for (int p = 0; p < plane; p++) if (values[(e * channels + c) * plane + p] > 0) alive++;
            fractions.add((double) alive / ((long) n * plane));
        }
        return fractions;
    }
    // end::probe[]

    /** "0.0 11×11 conv 1→96": the PyTorch index of the layer (as in its parameter names), kernel and channels. */
    static String describe(Conv2d c) {
        LayerSpec.Conv2d s = c.spec();
        String index = c.parameters().getFirst().name().replace(".weight", "");
        return "%s %d×%d conv %d→%d".formatted(index, s.kernel(), s.kernel(), s.inChannels(), s.outChannels());
    }
}
