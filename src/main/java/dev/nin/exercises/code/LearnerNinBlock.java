package dev.nin.exercises.code;

import dev.nin.model.Stage;

/** Exercise 2 in code: a NiN block with one 1×1 convolution instead of two. The learner's class implements it. */
public interface LearnerNinBlock {
    /** The block's layers for these channels, kernel, stride and padding of its first convolution. */
    Stage block(int inChannels, int outChannels, int kernel, int stride, int padding);
}
