package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.DropoutMask;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;
import dev.nin.model.Stage;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * A {@link NetworkSpec} bound to a backend: the same description the book's shape trace reads, turned
 * into layers. A convolution followed by a ReLU becomes one {@link Conv2d} with the ReLU fused. All
 * buffers are allocated here, once, for the largest batch; a step allocates nothing.
 */
public final class Network {
    private final Backend backend;
    private final Shape example;
    private final List<Layer> layers = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final Memory memory;
    private final long gradientElements;
    private int batch;
    private Tensor lossGradient;

    /**
     * @param example  the shape of one input example, batch dimension 1, e.g. [1, 1, 224, 224]
     * @param maxBatch the largest batch the network will see
     */
    public Network(Backend backend, NetworkSpec spec, Shape example, int maxBatch) {
        this.backend = backend;
        this.example = example;
        build(spec);
        for (Layer l : layers) parameters.addAll(l.parameters());
        long[] capacity = gradientCapacities(maxBatch);
        memory = new Memory(backend, maxBatch, capacity[0], capacity[1]);
        gradientElements = capacity[0] + capacity[1];
        prepare(maxBatch);  // everything allocated now: peak memory is known before the first step
    }

    /** Layers from the spec; names follow PyTorch's state_dict for a Sequential of stages ("0.2.weight"). */
    private void build(NetworkSpec spec) {
        for (int si = 0; si < spec.stages().size(); si++) {
            Stage stage = spec.stages().get(si);
            List<LayerSpec> ls = stage.layers();
            for (int li = 0; li < ls.size(); li++) {
                LayerSpec l = ls.get(li);
                boolean reluNext = li + 1 < ls.size() && ls.get(li + 1) instanceof LayerSpec.ReLU;
                switch (l) {
                    case LayerSpec.Conv2d c -> {
                        layers.add(new Conv2d(backend, c, reluNext, Weights.layerName(si, li)));
                        if (reluNext) li++;  // fused
                    }
                    case LayerSpec.ReLU r -> layers.add(new ReLU(backend));
                    case LayerSpec.MaxPool2d m -> {
                        MaxPool2d pool = new MaxPool2d(backend, m);
                        // after a convolution with its ReLU fused, the pooling's backward applies the ReLU's mask
                        if (!layers.isEmpty() && layers.getLast() instanceof Conv2d c && c.fusedRelu()) pool.throughRelu(c);
                        layers.add(pool);
                    }
                    case LayerSpec.Dropout d -> layers.add(new Dropout(backend, d));
                    case LayerSpec.GlobalAvgPool g -> layers.add(new GlobalAveragePooling(backend));
                    case LayerSpec.Flatten f -> layers.add(new Flatten(backend));
                    case LayerSpec.Linear f -> throw new IllegalArgumentException(spec.name() + ": dense layers ("
                            + f.label() + ") are described for counting but not trained here; NiN has none");
                }
            }
        }
    }

    /** Where a layer's input gradient goes: over its output gradient, over its own output, or gradient buffer 0 or 1. */
    private enum Target { IN_PLACE, OWN_OUTPUT, BUFFER_0, BUFFER_1 }

    /**
     * Routes the gradients, walking backward from the loss gradient (buffer 0): a layer that computes in
     * place keeps its output gradient's memory; a layer that may write over its own output does (see
     * {@link Layer#gradientOverOutput}); any other writes to the gradient buffer that does not hold its
     * output gradient (buffer 0 when neither does). The first layer computes no input gradient (null).
     * At 224×224×128 this leaves one 143 MB gradient buffer (max pooling's, before the first block) and
     * one of 28 MB, where a ping-pong pair of the largest activation took 2 × 143 MB.
     */
    private Target[] route(Shape[] inputs) {
        Target[] targets = new Target[layers.size()];
        Target holder = Target.BUFFER_0;  // where the current output gradient lives
        for (int i = layers.size() - 1; i >= 1; i--) {
            Layer l = layers.get(i);
            if (l.backwardInPlace()) {
                targets[i] = Target.IN_PLACE;
                continue;  // the holder stays
            }
            if (l.gradientFitsOverOutput(inputs[i])) {
                targets[i] = Target.OWN_OUTPUT;
            } else {
                targets[i] = holder == Target.BUFFER_0 ? Target.BUFFER_1 : Target.BUFFER_0;
            }
            holder = targets[i];
        }
        return targets;
    }

    private Shape[] inputShapes(int n) {
        Shape[] inputs = new Shape[layers.size() + 1];
        inputs[0] = example.withBatch(n);
        for (int i = 0; i < layers.size(); i++) inputs[i + 1] = layers.get(i).outputShape(inputs[i]);
        return inputs;
    }

    /** The largest gradient each of the two buffers holds at this batch size, the loss gradient included. */
    private long[] gradientCapacities(int n) {
        Shape[] inputs = inputShapes(n);
        long[] capacity = {inputs[layers.size()].size(), 0};
        Target[] targets = route(inputs);
        for (int i = 1; i < layers.size(); i++) {
            if (targets[i] == Target.BUFFER_0 || targets[i] == Target.BUFFER_1) {
                int b = targets[i].ordinal() - Target.BUFFER_0.ordinal();
                capacity[b] = Math.max(capacity[b], inputs[i].size());
            }
        }
        return capacity;
    }

    /** Binds every layer to this batch size's buffers and its input gradient to where {@link #route} puts it. */
    private void prepare(int n) {
        Shape[] inputs = inputShapes(n);
        for (int i = 0; i < layers.size(); i++) layers.get(i).prepare(inputs[i], memory);
        lossGradient = memory.gradient(0, inputs[layers.size()]);
        Target[] targets = route(inputs);
        Tensor holder = lossGradient;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            if (i == 0) {
                l.gradientInto(null);
                continue;
            }
            Tensor dx = switch (targets[i]) {
                case IN_PLACE -> backend.view(holder, inputs[i]);
                case OWN_OUTPUT -> l.gradientOverOutput(inputs[i], memory);
                case BUFFER_0 -> memory.gradient(0, inputs[i]);
                case BUFFER_1 -> memory.gradient(1, inputs[i]);
            };
            l.gradientInto(dx);
            holder = dx;
        }
        batch = n;
    }

    /** Xavier-uniform convolution weights (the chapter's) and PyTorch's default biases, from one seeded generator. */
    public void initialize(long seed) {
        initialize(seed, WeightInit.XAVIER);
    }

    /**
     * Convolution weights as {@code init} says and PyTorch's default biases, from one seeded generator; then, if
     * {@code init} says so, the class layer (the last convolution) opened. Every layer draws its numbers either way,
     * so the others start exactly as under plain Kaiming with the same seed.
     */
    public void initialize(long seed, WeightInit init) {
        SplittableRandom random = new SplittableRandom(seed);
        Conv2d last = null;
        for (Layer l : layers)
            if (l instanceof Conv2d c) {
                c.initialize(random, init);
                last = c;
            }
        if (init.opensClassLayer() && last != null) last.openAsClassLayer();
    }

    // tag::step[]
    public Tensor forward(Tensor x, boolean training) {
        if (x.shape().dim(0) != batch) prepare(x.shape().dim(0));
        for (Layer l : layers) x = l.forward(x, training);
        return x;
    }

    /** Backward from the gradient of the loss, which the loss wrote into {@link #lossGradient()}. */
    public void backward() {
        Tensor dy = lossGradient;
        for (int i = layers.size() - 1; i >= 0; i--) dy = layers.get(i).backward(dy);
    }

    public void sgdStep(float lr) {
        for (Parameter p : parameters) backend.sgdStep(p.value(), p.gradient(), lr);
    }
    // end::step[]

    /**
     * {@link #forward} that hands each layer and its output to {@code eachOutput} as it goes (the
     * {@link ActivationProbe} reads them). The outputs are the layers' own buffers: read them, don't keep them.
     */
    public Tensor forward(Tensor x, boolean training, BiConsumer<Layer, Tensor> eachOutput) {
        if (x.shape().dim(0) != batch) prepare(x.shape().dim(0));
        for (Layer l : layers) {
            x = l.forward(x, training);
            eachOutput.accept(l, x);
        }
        return x;
    }

    /** Where the loss writes its gradient for the current batch size. */
    public Tensor lossGradient() {
        return lossGradient;
    }

    /** Sets every dropout layer's mask seed for the next training step. */
    public void reseedDropout(long stepSeed) {
        int i = 0;
        for (Layer l : layers) if (l instanceof Dropout d) d.reseed(DropoutMask.mix(stepSeed + i++));
    }

    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    public List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    public Backend backend() {
        return backend;
    }

    public Shape example() {
        return example;
    }

    /** The elements of the two gradient buffers together (the rest of the gradients reuse activations). */
    public long gradientElements() {
        return gradientElements;
    }

    public int maxBatch() {
        return memory.maxBatch();
    }
}
