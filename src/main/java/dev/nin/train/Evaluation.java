package dev.nin.train;

import dev.nin.data.Batch;
import dev.nin.data.Batches;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;

/** d2l's {@code evaluate_accuracy_gpu}: the fraction of a set classified right, in evaluation mode (dropout off, no gradients). */
public final class Evaluation {
    private Evaluation() {
    }

    /** @param stats a (2) tensor of the network's backend, overwritten: summed loss and correct count */
    public static double accuracy(Network net, Inputs inputs, Images set, int batchSize, Tensor stats) {
        Backend backend = net.backend();
        backend.fill(stats, 0);
        for (Batch b : Batches.inOrder(set, batchSize)) {
            Tensor logits = net.forward(inputs.load(b.pixels(), b.labels(), b.size()), false);
            backend.softmaxCrossEntropy(logits, inputs.labels(), null, stats);
        }
        float[] sums = new float[2];
        backend.download(stats, sums);
        return sums[1] / set.count();
    }
}
