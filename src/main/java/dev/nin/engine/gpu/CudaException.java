package dev.nin.engine.gpu;

/** A CUDA, cuDNN, NVRTC or driver call returned an error: the message names the call, the status and its meaning. */
public final class CudaException extends RuntimeException {
    private final int status;

    public CudaException(String call, int status, String meaning) {
        super(call + " failed with status " + status + " (" + meaning + ")");
        this.status = status;
    }

    public CudaException(String message) {
        super(message);
        this.status = -1;
    }

    public int status() {
        return status;
    }
}
