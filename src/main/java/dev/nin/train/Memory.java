package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Every activation and gradient buffer of a network, allocated once for the largest batch. A smaller batch
 * (the last of an epoch) sees the first rows of the same buffers, as prefix views that are made once per
 * batch size and kept. Gradients live in a pair of buffers sized by the largest activation: each layer
 * reads its output gradient from one and writes its input gradient to the other ("ping-pong").
 */
public final class Memory {
    private final Backend backend;
    private final int maxBatch;
    private final long[] gradientCapacity;
    private final Map<Key, Tensor> buffers = new HashMap<>();
    /** By identity: a backend's tensors may compare equal by value (ND4J arrays do). */
    private final Map<Tensor, Map<Shape, Tensor>> views = new IdentityHashMap<>();
    private final Tensor[] gradients = new Tensor[2];

    private record Key(Object owner, String name) {
    }

    /** @param gradientCapacity the element count of each gradient buffer: the largest activation at maxBatch */
    public Memory(Backend backend, int maxBatch, long gradientCapacity) {
        this(backend, maxBatch, gradientCapacity, gradientCapacity);
    }

    /** Gradient buffers 0 and 1 of their own sizes (the largest gradient each will hold at maxBatch). */
    public Memory(Backend backend, int maxBatch, long gradientCapacity0, long gradientCapacity1) {
        this.backend = backend;
        this.maxBatch = maxBatch;
        this.gradientCapacity = new long[]{gradientCapacity0, gradientCapacity1};
    }

    /** The owner's buffer called name, seen with this shape; allocated for maxBatch on first request. */
    public Tensor buffer(Object owner, String name, Shape shape) {
        requireBatch(shape);
        Tensor whole = buffers.computeIfAbsent(new Key(owner, name), k -> backend.allocate(shape.withBatch(maxBatch)));
        return view(whole, shape);
    }

    /** Gradient buffer 0 or 1, seen with this shape. */
    public Tensor gradient(int which, Shape shape) {
        requireBatch(shape);
        if (shape.size() > gradientCapacity[which]) {
            throw new IllegalArgumentException("gradient " + shape + " exceeds buffer " + which + "'s capacity " + gradientCapacity[which]);
        }
        if (gradients[which] == null) gradients[which] = backend.allocate(Shape.of((int) gradientCapacity[which]));
        return view(gradients[which], shape);
    }

    private Tensor view(Tensor whole, Shape shape) {
        if (whole.shape().equals(shape)) return whole;
        return views.computeIfAbsent(whole, w -> new HashMap<>()).computeIfAbsent(shape, s -> backend.view(whole, s));
    }

    private void requireBatch(Shape shape) {
        if (shape.dim(0) > maxBatch) {
            throw new IllegalArgumentException("batch of " + shape.dim(0) + " exceeds the " + maxBatch + " the buffers were made for");
        }
    }

    public int maxBatch() {
        return maxBatch;
    }
}
