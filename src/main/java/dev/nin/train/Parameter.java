package dev.nin.train;

import dev.nin.engine.Tensor;

/** A learned tensor and its gradient, both in the backend's memory, with a name for checkpoints. */
public record Parameter(String name, Tensor value, Tensor gradient) {
}
