package dev.nin.train.record;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One epoch as d2l's {@code train_ch6} reports it: mean training loss and accuracy (accumulated during the
 * epoch, dropout on), test accuracy (evaluation mode, after the epoch), the epoch's wall time and the
 * training examples per second (training steps only). Epochs count from 1. {@code testByClass} splits the test
 * accuracy by class; records made before it was kept, and PyTorch's, have none.
 */
public record EpochMetrics(int epoch, double loss, double trainAcc, double testAcc,
                           double epochSeconds, double examplesPerSecond,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ClassCounts testByClass) {

    /** An epoch whose test accuracy was not split by class. */
    public EpochMetrics(int epoch, double loss, double trainAcc, double testAcc, double epochSeconds, double examplesPerSecond) {
        this(epoch, loss, trainAcc, testAcc, epochSeconds, examplesPerSecond, null);
    }
}
