package dev.nin.book;

import java.util.List;

/**
 * The learner's own runs of the chapter's PyTorch code on a laptop GTX 1660 Ti (6 GiB), quoted from their
 * notes — measured by them, not by this project; the book labels them so. Each run: d2l's train_ch6,
 * batch 128, resize 224, 10 epochs.
 */
final class LearnerRuns {

    /** One printed result: d2l's closing two lines, and what the notes say happened. */
    record LearnerRun(String label, double lr, double loss, double trainAcc, double testAcc,
                      double examplesPerSecond, String outcome) {
    }

    static final String GPU = "NVIDIA GeForce GTX 1660 Ti";

    static final List<LearnerRun> RUNS = List.of(
            new LearnerRun("first run", 0.1, 2.303, 0.100, 0.100, 986.3,
                    "dead: the loss jumped after epoch 2 and never came back"),
            new LearnerRun("second run", 0.1, 0.336, 0.874, 0.871, 974.4, "completed"),
            new LearnerRun("lr 0.05", 0.05, 0.369, 0.864, 0.859, 556.6, "completed"));

    /** nvidia-smi during training: 1760 MiB of 6144 MiB in use, 1752 MiB of it the Python process. */
    static final int NVIDIA_SMI_USED_MIB = 1760, NVIDIA_SMI_PROCESS_MIB = 1752, NVIDIA_SMI_TOTAL_MIB = 6144;

    /** The driver and CUDA version nvidia-smi printed. */
    static final String DRIVER = "545.29.06", CUDA = "12.3";

    private LearnerRuns() {
    }
}
