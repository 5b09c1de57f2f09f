package dev.nin.engine.gpu;

/**
 * The GPU backend cannot start here: a library is missing (the message lists every place looked in), or the
 * driver finds no usable GPU. Distinct from {@link CudaException}, which is a failed call on a working GPU.
 */
public final class GpuUnavailableException extends IllegalStateException {
    public GpuUnavailableException(String message) {
        super(message);
    }

    public GpuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
