package dev.nin.engine;

import dev.nin.model.Shape;

/**
 * A float32 array that lives in one backend's memory (host arrays for the CPU, device memory for the GPU),
 * laid out row-major, NCHW for images. The backend that allocated it owns and frees it.
 */
public interface Tensor {
    Shape shape();

    default long size() {
        return shape().size();
    }
}
