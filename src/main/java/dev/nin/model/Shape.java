package dev.nin.model;

import java.util.Arrays;

/**
 * The shape of a tensor, outermost axis first: (N, C, H, W) for images, (N, K) after flattening.
 * Pure data: the model description, counting and both engines share it.
 */
public record Shape(int... dims) {

    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d <= 0) throw new IllegalArgumentException("every dimension must be positive: " + Arrays.toString(dims));
        }
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements. */
    public long size() {
        long s = 1;
        for (int d : dims) s *= d;
        return s;
    }

    /** The same shape with a different first (batch) dimension. */
    public Shape withBatch(int n) {
        int[] d = dims.clone();
        d[0] = n;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Written like PyTorch's {@code torch.Size}: {@code [1, 96, 54, 54]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
