package dev.nin.train;

import dev.nin.data.Batch;
import dev.nin.data.Batches;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.train.record.ClassCounts;

/** d2l's {@code evaluate_accuracy_gpu}: the fraction of a set classified right, in evaluation mode (dropout off, no gradients). */
public final class Evaluation {
    private Evaluation() {
    }

    /** @param stats a (2) tensor of the network's backend, overwritten: summed loss and correct count */
    public static double accuracy(Network net, Inputs inputs, Images set, int batchSize, Tensor stats) {
        return evaluate(net, inputs, set, batchSize, stats, false).accuracy();
    }

    /** The accuracy, and (when asked) the same split by class; {@code byClass} is null when not asked. */
    public record Result(double accuracy, ClassCounts byClass) {
    }

    /**
     * The accuracy as the backend counts it, and with {@code byClass} the answers class by class, from the scores
     * brought to the host batch by batch (the answer is the first highest score, as the backend's count takes it).
     */
    public static Result evaluate(Network net, Inputs inputs, Images set, int batchSize, Tensor stats, boolean byClass) {
        Backend backend = net.backend();
        backend.fill(stats, 0);
        int[] labels = byClass ? new int[set.count()] : null, answers = byClass ? new int[set.count()] : null;
        int done = 0, classes = 0;
        float[] scores = new float[0];
        for (Batch b : Batches.inOrder(set, batchSize)) {
            Tensor logits = net.forward(inputs.load(b.pixels(), b.labels(), b.size()), false);
            backend.softmaxCrossEntropy(logits, inputs.labels(), null, stats);
            if (byClass) {
                classes = (int) (logits.size() / b.size());
                if (scores.length != logits.size()) scores = new float[(int) logits.size()];
                backend.download(logits, scores);
                for (int r = 0; r < b.size(); r++) {
                    labels[done + r] = b.labels()[r];
                    answers[done + r] = firstHighest(scores, r * classes, classes);
                }
            }
            done += b.size();
        }
        float[] sums = new float[2];
        backend.download(stats, sums);
        return new Result(sums[1] / set.count(), byClass ? ClassCounts.of(classes, labels, answers) : null);
    }

    private static int firstHighest(float[] z, int from, int k) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++)
            if (z[from + j] > max) {
                max = z[from + j];
                best = j;
            }
        return best;
    }
}
