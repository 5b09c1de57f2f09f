package dev.nin.exercises.code;

/** Global average pooling in code: (N, C, H, W) values, row-major, to N·C means. */
public interface LearnerGlobalPooling {
    float[] pool(float[] x, int n, int c, int h, int w);
}
