package dev.nin.model;

import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.Dropout;
import dev.nin.model.LayerSpec.Flatten;
import dev.nin.model.LayerSpec.GlobalAvgPool;
import dev.nin.model.LayerSpec.Linear;
import dev.nin.model.LayerSpec.MaxPool2d;
import dev.nin.model.LayerSpec.ReLU;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an engine really keeps for the backward pass, array by array, for exercise 3. {@link MemoryCost#training}
 * counts every layer's output, a convolution's and its ReLU's separately; real engines keep less:
 * <ul>
 *   <li>PyTorch's autograd ({@link #pytorch}) saves, per operation, only what its backward formula reads: a
 *       convolution its input, a ReLU its output (the same array as the next convolution's input), max
 *       pooling its input and the int64 indices of each window's maximum, CPU dropout its float32 noise;</li>
 *   <li>this project's engine ({@link #fusedEngine}) fuses each convolution with its ReLU into one output
 *       buffer, finds the maxima again from max pooling's input and output, and writes activation gradients
 *       over outputs that backward no longer needs, with two gradient buffers for the rest.</li>
 * </ul>
 */
public final class BackwardMemory {

    /** One array kept: which layer keeps it, what it is, its shape and bytes per element. */
    public record Array(String layer, String what, Shape shape, int bytesPerElement) {
        public long bytes() {
            return shape.size() * bytesPerElement;
        }
    }

    static final int FLOAT = 4, INT64 = 8;

    private BackwardMemory() {
    }

    public static long bytes(List<Array> arrays) {
        return arrays.stream().mapToLong(Array::bytes).sum();
    }

    // tag::pytorch[]
    /**
     * The arrays PyTorch's autograd saves for d2l's {@code nn.Sequential} (no layer in place) in training mode,
     * followed by {@code nn.CrossEntropyLoss}: each array once, however many operations save it. Parameters
     * are not listed: they exist anyway.
     */
    public static List<Array> pytorch(NetworkSpec net, Shape input) {
        Map<Integer, Array> outputs = new LinkedHashMap<>();  // the output of layer i (input: -1), once
        List<Array> extras = new ArrayList<>();
        List<LayerSpec> layers = net.layers();
        Shape x = input;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            Shape y = l.outputShape(x);
            String name = (i + 1) + ". " + l.name();
            switch (l) {
                case Conv2d c -> outputs.putIfAbsent(i - 1, new Array(name, "its input", x, FLOAT));
                case Linear f -> outputs.putIfAbsent(i - 1, new Array(name, "its input", x, FLOAT));
                case ReLU r -> outputs.putIfAbsent(i, new Array(name, "its output", y, FLOAT));
                case GlobalAvgPool g -> outputs.putIfAbsent(i - 1, new Array(name, "its input", x, FLOAT));  // a mean
                case MaxPool2d m -> {
                    outputs.putIfAbsent(i - 1, new Array(name, "its input", x, FLOAT));
                    extras.add(new Array(name, "the index of each window's maximum (int64)", y, INT64));
                }
                case Dropout d -> extras.add(new Array(name, "its noise: 0 or 1/(1−p) per element (float32 on the CPU)", x, FLOAT));
                case Flatten f -> { }  // a view: nothing to save
            }
            x = y;
        }
        List<Array> kept = new ArrayList<>(outputs.values());
        kept.addAll(extras);
        int n = x.dim(0);
        kept.add(new Array("loss", "log-softmax's output", x, FLOAT));
        kept.add(new Array("loss", "the labels (int64)", Shape.of(n), INT64));
        kept.add(new Array("loss", "the sum of the class weights (one float)", Shape.of(1), FLOAT));
        return kept;
    }
    // end::pytorch[]

    /** A layer as this project's engine runs it: a convolution and the ReLU after it are one layer. */
    private record Fused(String name, LayerSpec layer, boolean relu, Shape input, Shape output) {
    }

    private static List<Fused> fuse(NetworkSpec net, Shape input) {
        List<Fused> fused = new ArrayList<>();
        List<LayerSpec> layers = net.layers();
        Shape x = input;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            boolean relu = l instanceof Conv2d && i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU;
            Shape y = l.outputShape(x);
            fused.add(new Fused((i + 1) + ". " + l.name() + (relu ? "+ReLU" : ""), l, relu, x, y));
            if (relu) i++;
            x = y;
        }
        return fused;
    }

    // tag::fused-engine[]
    /**
     * Every array this project's engine allocates for training (dev.nin.train.Network): parameters and
     * their gradients, each layer's output buffer (a convolution's with its ReLU fused in), dropout's mask,
     * and the two gradient buffers. The input batch itself belongs to the data loader and is not listed.
     */
    public static List<Array> fusedEngine(NetworkSpec net, Shape input) {
        List<Array> arrays = new ArrayList<>();
        List<Fused> layers = fuse(net, input);
        for (Fused f : layers) {
            for (Shape p : ParameterCount.parameterShapes(f.layer())) {
                arrays.add(new Array(f.name(), "a parameter", p, FLOAT));
                arrays.add(new Array(f.name(), "its gradient", p, FLOAT));
            }
            switch (f.layer()) {
                case Flatten fl -> { }  // a view of its input
                case Dropout d -> {
                    arrays.add(new Array(f.name(), "its mask", f.input(), FLOAT));
                    arrays.add(new Array(f.name(), "its output", f.output(), FLOAT));
                }
                default -> arrays.add(new Array(f.name(), "its output", f.output(), FLOAT));
            }
        }
        long[] gradients = gradientBuffers(layers);
        arrays.add(new Array("backward", "gradient buffer 0 (the loss's gradient among others)", Shape.of((int) gradients[0]), FLOAT));
        if (gradients[1] > 0) arrays.add(new Array("backward", "gradient buffer 1", Shape.of((int) gradients[1]), FLOAT));
        return arrays;
    }

    /**
     * Walking backward, each layer's input gradient goes over its output gradient (element-wise layers and
     * views), over its own output (a convolution whose input is no larger than its output: backward reads
     * that output only for the fused ReLU, before writing), or into whichever gradient buffer does not hold
     * its output gradient. The first layer's input needs no gradient.
     */
    private static long[] gradientBuffers(List<Fused> layers) {
        long[] capacity = {layers.getLast().output().size(), 0};
        int holder = 0;  // 0 or 1: a buffer; -1: a layer's own output
        for (int i = layers.size() - 1; i >= 1; i--) {
            Fused f = layers.get(i);
            boolean inPlace = f.layer() instanceof ReLU || f.layer() instanceof Dropout || f.layer() instanceof Flatten;
            if (inPlace) continue;
            if (f.layer() instanceof Conv2d && f.output().size() >= f.input().size()) {
                holder = -1;
                continue;
            }
            holder = holder == 0 ? 1 : 0;
            capacity[holder] = Math.max(capacity[holder], f.input().size());
        }
        return capacity;
    }
    // end::fused-engine[]

    /** The bytes of the arrays an engine keeps for backward only: activations and masks, not parameters or gradients. */
    public static long activationBytes(List<Array> arrays) {
        return arrays.stream().filter(a -> !a.what().equals("a parameter") && !a.what().equals("its gradient")
                && !a.layer().equals("backward")).mapToLong(Array::bytes).sum();
    }
}
