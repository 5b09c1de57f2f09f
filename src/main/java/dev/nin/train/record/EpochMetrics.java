package dev.nin.train.record;

/**
 * One epoch as d2l's {@code train_ch6} reports it: mean training loss and accuracy (accumulated during the
 * epoch, dropout on), test accuracy (evaluation mode, after the epoch), the epoch's wall time and the
 * training examples per second (training steps only). Epochs count from 1.
 */
public record EpochMetrics(int epoch, double loss, double trainAcc, double testAcc,
                           double epochSeconds, double examplesPerSecond) {
}
