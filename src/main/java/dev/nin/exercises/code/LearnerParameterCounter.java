package dev.nin.exercises.code;

import dev.nin.model.LayerSpec;

/** Exercise 3 in code: how many learnable numbers one layer holds. */
public interface LearnerParameterCounter {
    long parameters(LayerSpec layer);
}
