package dev.nin.train.record;

import java.util.List;

/**
 * How alive one ReLU layer is on a batch: the fraction of its outputs that are positive, overall and (for the
 * layer whose channels are the class scores) per channel. A fraction of 0 is a dead layer: no output, and no
 * gradient through it.
 *
 * @param layer      the layer in words, e.g. "3.2 1×1 conv 384→10 + ReLU"
 * @param alive      positive outputs / all outputs, over the batch
 * @param perChannel the same fraction per output channel, or empty when not asked for
 */
public record LayerActivity(String layer, double alive, List<Double> perChannel) {
    public LayerActivity {
        perChannel = List.copyOf(perChannel);
    }
}
