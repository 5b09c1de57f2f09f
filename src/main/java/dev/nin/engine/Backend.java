package dev.nin.engine;

import dev.nin.model.Shape;

import java.util.Map;

/**
 * The operations NiN needs to train, over memory the backend owns. Three implementations: {@code reference}
 * (plain Java loops, the definition of every operation, used as the oracle in tests), {@code cpu} (ND4J +
 * oneDNN) and {@code gpu} (CUDA, cuDNN, cuBLAS through java.lang.foreign).
 *
 * <p>Conventions shared by every implementation:
 * <ul>
 *   <li>Tensors are float32, row-major; images are (N, C, H, W); convolution weights are (out, in, k, k)
 *       (PyTorch's OIHW), biases (out); labels are class indices stored as floats, shape (N).</li>
 *   <li>Outputs are preallocated by the caller and overwritten (never accumulated into), except
 *       {@link #softmaxCrossEntropy}'s {@code stats}, which is a running sum.</li>
 *   <li>Operations may run asynchronously; {@link #download} and {@link #sumOfSquares} wait for them.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** "reference", "cpu" or "gpu". */
    String name();

    /** The hardware in words, e.g. "NVIDIA H200" or "2 cores, AMD EPYC 7B13". */
    String device();

    /** Versions and settings worth recording with a run (library versions, driver, math mode). */
    Map<String, String> provenance();

    /** A new zero-filled tensor; freed when the backend closes. */
    Tensor allocate(Shape shape);

    /**
     * The same memory seen with another shape: of the same size (e.g. Flatten), or smaller, in which case the
     * view is the first {@code shape.size()} elements. The layers allocate every buffer once for the largest
     * batch and see a smaller batch (the last of an epoch) or a smaller gradient as such a prefix view.
     */
    Tensor view(Tensor t, Shape shape);

    void upload(float[] src, Tensor dst);

    void download(Tensor src, float[] dst);

    void fill(Tensor t, float value);

    /** y = conv2d(x, w) + b, with square kernel, stride and zero padding; no dilation, no groups. */
    void conv2dForward(Tensor x, Tensor w, Tensor b, int stride, int padding, Tensor y);

    /** y = relu(conv2d(x, w) + b). Backends that can fuse the three override this. */
    default void conv2dBiasReluForward(Tensor x, Tensor w, Tensor b, int stride, int padding, Tensor y) {
        conv2dForward(x, w, b, stride, padding, y);
        relu(y, y);
    }

    /** dx = the gradient of the loss with respect to the convolution's input, given dy and w. */
    void conv2dBackwardData(Tensor dy, Tensor w, int stride, int padding, Tensor dx);

    /** dw and db = the gradients with respect to the weights and bias, given the input x and dy. */
    void conv2dBackwardFilter(Tensor x, Tensor dy, int stride, int padding, Tensor dw, Tensor db);

    /**
     * Both backward passes of one convolution from the same dy: dx (skipped when null, e.g. for the first
     * layer, whose input needs no gradient), dw and db. Libraries that compute them together (libnd4j's
     * conv2d_bp) override this; layers should call it rather than the two single passes.
     */
    default void conv2dBackward(Tensor x, Tensor w, Tensor dy, int stride, int padding, Tensor dx, Tensor dw, Tensor db) {
        if (dx != null) conv2dBackwardData(dy, w, stride, padding, dx);
        conv2dBackwardFilter(x, dy, stride, padding, dw, db);
    }

    /** y = max(0, x); y may be x. */
    void relu(Tensor x, Tensor y);

    /** dx = dy where y &gt; 0, else 0, from the ReLU's output y; dx may be dy. */
    void reluBackward(Tensor y, Tensor dy, Tensor dx);

    /** Max over kernel×kernel windows moved by stride, no padding. */
    void maxPool2d(Tensor x, int kernel, int stride, Tensor y);

    /** Routes each dy to the first position (in row-major window order) that holds its window's maximum. */
    void maxPool2dBackward(Tensor x, Tensor y, Tensor dy, int kernel, int stride, Tensor dx);

    /**
     * Max pooling's backward, then the backward of the ReLU whose output x is: dx = the routed gradient where
     * x &gt; 0, else 0 (what {@link #maxPool2dBackward} then {@link #reluBackward}(x, dx, dx) give). A backend may do
     * both in one pass over dx; NiN's pools all follow a ReLU.
     */
    default void maxPool2dReluBackward(Tensor x, Tensor y, Tensor dy, int kernel, int stride, Tensor dx) {
        maxPool2dBackward(x, y, dy, kernel, stride, dx);
        reluBackward(x, dx, dx);
    }

    /** mask[i] = {@link DropoutMask#value}(seed, i, p); y = x · mask. */
    void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y);

    /** dx = dy · mask; dx may be dy. */
    void dropoutBackward(Tensor dy, Tensor mask, Tensor dx);

    /** (N, C, H, W) to (N, C, 1, 1): the mean over H×W. */
    void globalAvgPool(Tensor x, Tensor y);

    /** dx[n, c, h, w] = dy[n, c] / (H·W). */
    void globalAvgPoolBackward(Tensor dy, Tensor dx);

    /**
     * Softmax cross-entropy of logits (N, K, ...) (viewed as (N, K)) against labels (N). Adds the summed loss
     * to stats[0] and the number of rows whose arg-max (first maximum) equals the label to stats[1]. When
     * dlogits is not null it receives the gradient of the <em>mean</em> loss: (softmax − one-hot) / N.
     */
    void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats);

    /** w = w − lr · dw (plain SGD, PyTorch's semantics without momentum or weight decay). */
    void sgdStep(Tensor w, Tensor dw, float lr);

    // tag::momentum[]
    /**
     * SGD with momentum and weight decay, PyTorch's {@code torch.optim.SGD} (no dampening, no Nesterov), each element
     * in float with every product and sum rounded on its own (no fused multiply-add):
     * <pre>
     *   d = dw + weightDecay · w        (d = dw when weightDecay is 0, as PyTorch skips the term)
     *   v = momentum · v + d           (v untouched and d used directly when velocity is null)
     *   w = w − lr · v
     * </pre>
     * The velocity starts at zero, which makes the first step's v exactly d, as PyTorch's clone of the first gradient.
     * velocity may be null only when momentum is 0.
     */
    void sgdMomentumStep(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay);
    // end::momentum[]

    /** The argument checks every {@link #sgdMomentumStep} makes, naming the operation. */
    static void requireMomentumArguments(Tensor w, Tensor dw, Tensor velocity, float momentum) {
        if (dw.size() != w.size()) throw new IllegalArgumentException("sgdMomentumStep: dw has " + dw.size() + " values, w " + w.size());
        if (velocity == null && momentum != 0) throw new IllegalArgumentException("sgdMomentumStep: momentum " + momentum + " needs a velocity tensor");
        if (velocity != null && velocity.size() != w.size())
            throw new IllegalArgumentException("sgdMomentumStep: velocity has " + velocity.size() + " values, w " + w.size());
    }

    /**
     * Bilinear resize of (N, C, h, w) to (N, C, H, W) with half-pixel centres and edge clamping
     * (PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}, no antialiasing).
     */
    void resizeBilinear(Tensor src, Tensor dst);

    /** Σ t[i]², waiting for pending work; used sparingly (gradient norms for divergence checks and clipping). */
    double sumOfSquares(Tensor t);

    /**
     * t = c · t, in place (clipping the gradients' norm). By default through {@link #sgdStep} with the tensor as both
     * operands, t −= (1 − c) · t, which every backend already has; the CPU and the reference multiply directly.
     */
    default void scale(Tensor t, float c) {
        sgdStep(t, t, 1 - c);
    }

    /** Peak memory the backend has used so far, in bytes (device memory for the GPU, resident memory for the CPU). */
    long peakMemoryBytes();

    /** Waits until all queued work is done. */
    default void synchronize() {
    }

    @Override
    void close();

    /** Checks that a shape matches, naming the operation and both shapes otherwise. */
    static void requireShape(String op, String what, Tensor t, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + t.shape() + ", expected " + expected);
        }
    }
}
