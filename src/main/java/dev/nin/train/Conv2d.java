package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A convolution with bias, optionally followed by a ReLU applied in place on its output (one fused call
 * on backends that can fuse; the ReLU's backward needs only that output).
 */
public final class Conv2d implements Layer {
    private final Backend backend;
    private final LayerSpec.Conv2d spec;
    private final boolean relu;
    private boolean gradientMasked;
    private final Parameter weight, bias;
    private Tensor x, y, dx;

    public Conv2d(Backend backend, LayerSpec.Conv2d spec, boolean relu, String name) {
        this.backend = backend;
        this.spec = spec;
        this.relu = relu;
        this.weight = new Parameter(name + ".weight", backend.allocate(spec.weightShape()), backend.allocate(spec.weightShape()));
        this.bias = new Parameter(name + ".bias", backend.allocate(spec.biasShape()), backend.allocate(spec.biasShape()));
    }

    // tag::init[]
    /** d2l's initialisation: Xavier-uniform weights; biases keep PyTorch's default U(±1/√fan_in). */
    public void initialize(RandomGenerator random) {
        initialize(random, WeightInit.XAVIER);
    }

    /** Weights uniform with the variance {@code init} asks for; biases keep PyTorch's default U(±1/√fan_in). */
    public void initialize(RandomGenerator random, WeightInit init) {
        int fanIn = spec.inChannels() * spec.kernel() * spec.kernel();
        int fanOut = spec.outChannels() * spec.kernel() * spec.kernel();
        backend.upload(uniform(random, weight.value(), init.uniformBound(fanIn, fanOut)), weight.value());
        backend.upload(uniform(random, bias.value(), 1 / Math.sqrt(fanIn)), bias.value());
    }
    // end::init[]

    // tag::class-layer[]
    /** The class layer's start under {@link WeightInit#KAIMING_LIVE_CLASSES}: zero weights, every bias open. */
    void openAsClassLayer() {
        backend.upload(new float[(int) weight.value().size()], weight.value());
        float[] b = new float[(int) bias.value().size()];
        Arrays.fill(b, WeightInit.CLASS_LAYER_BIAS);
        backend.upload(b, bias.value());
    }
    // end::class-layer[]

    private static float[] uniform(RandomGenerator random, Tensor t, double bound) {
        float[] values = new float[(int) t.size()];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextDouble(-bound, bound);
        return values;
    }

    @Override
    public Shape outputShape(Shape input) {
        return spec.outputShape(input);
    }

    @Override
    public void prepare(Shape input, Memory memory) {
        y = memory.buffer(this, "y", outputShape(input));
    }

    // tag::conv[]
    @Override
    public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        if (relu) backend.conv2dBiasReluForward(x, weight.value(), bias.value(), spec.stride(), spec.padding(), y);
        else backend.conv2dForward(x, weight.value(), bias.value(), spec.stride(), spec.padding(), y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // ReLU's gradient, in place, from its output (unless the max pooling after it applied it already)
        if (relu && !gradientMasked) backend.reluBackward(y, dy, dy);
        backend.conv2dBackward(x, weight.value(), dy, spec.stride(), spec.padding(), dx, weight.gradient(), bias.gradient());
        return dx;  // null for the first layer: its input needs no gradient, and the backend skips it
    }
    // end::conv[]

    @Override
    public void gradientInto(Tensor dx) {
        this.dx = dx;
    }

    /**
     * The fused ReLU reads y before the convolution's backward writes dx, and the convolution's backward does
     * not read y: dx fits over y when the input is no larger than the output (NiN's 1×1 and padded
     * convolutions that keep or widen the channels).
     */
    @Override
    public boolean gradientFitsOverOutput(Shape input) {
        return outputShape(input).size() >= input.size();
    }

    @Override
    public Tensor gradientOverOutput(Shape input, Memory memory) {
        return memory.buffer(this, "y", input);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    public LayerSpec.Conv2d spec() {
        return spec;
    }

    /** The layer's name in the state dict, "7.0" for "7.0.weight". */
    public String name() {
        return weight.name().substring(0, weight.name().length() - ".weight".length());
    }

    public boolean fusedRelu() {
        return relu;
    }

    /** The layer after this one hands back gradients with the ReLU's mask applied (a max pooling through the ReLU). */
    void gradientArrivesMasked() {
        if (!relu) throw new IllegalStateException(weight.name() + "'s convolution has no ReLU whose mask could be applied after it");
        gradientMasked = true;
    }
}
