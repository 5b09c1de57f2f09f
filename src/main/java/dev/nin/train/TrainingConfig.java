package dev.nin.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a training run is asked to do. The chapter's configuration is {@link #chapter()}: inputs resized to
 * 224×224, 10 epochs, learning rate 0.1, batch 128, the whole training set.
 *
 * @param limit       how many training examples to use (the first ones); 0 means all
 * @param init        how the convolution weights start ({@link WeightInit#XAVIER} is the chapter's)
 * @param momentum    SGD's momentum, PyTorch's (0, the chapter's, is plain SGD; below 1)
 * @param weightDecay PyTorch's weight_decay: wd·w added to each gradient (0, the chapter's, adds nothing)
 * @param schedule    how lr changes over the run's steps ({@link LearningRateSchedule#CONSTANT} is the chapter's)
 * @param clipNorm    the largest L2 norm all gradients together may have before a step ({@link Sgd}); 0, the
 *                    chapter's, leaves them as they are
 */
public record TrainingConfig(int resize, int epochs, double lr, int batchSize, long seed, int limit, WeightInit init,
                             double momentum, double weightDecay, LearningRateSchedule schedule, double clipNorm) {

    public TrainingConfig {
        require(resize > 0, "--resize must be a positive number of pixels, got " + resize);
        require(epochs > 0, "--epochs must be at least 1, got " + epochs);
        require(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        require(batchSize > 0, "--batch-size must be at least 1, got " + batchSize);
        require(limit >= 0, "--limit must be 0 (all) or a positive number of examples, got " + limit);
        require(init != null, "--init must be given (xavier, kaiming or kaiming-live-classes)");
        require(momentum >= 0 && momentum < 1, "--momentum must be at least 0 and below 1 (0.9 is usual), got " + momentum);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay must be 0 or a positive number (5e-4 is usual), got " + weightDecay);
        require(schedule != null, "--schedule must be constant or warmup-cosine");
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "--clip-norm must be 0 (none) or a positive number (5 is usual here), got " + clipNorm);
    }

    /** Without clipping, the chapter's. */
    public TrainingConfig(int resize, int epochs, double lr, int batchSize, long seed, int limit, WeightInit init,
                          double momentum, double weightDecay, LearningRateSchedule schedule) {
        this(resize, epochs, lr, batchSize, seed, limit, init, momentum, weightDecay, schedule, 0);
    }

    /** Plain SGD at a constant rate, the chapter's optimizer. */
    public TrainingConfig(int resize, int epochs, double lr, int batchSize, long seed, int limit, WeightInit init) {
        this(resize, epochs, lr, batchSize, seed, limit, init, 0, 0, LearningRateSchedule.CONSTANT);
    }

    /** With the chapter's Xavier initialisation. */
    public TrainingConfig(int resize, int epochs, double lr, int batchSize, long seed, int limit) {
        this(resize, epochs, lr, batchSize, seed, limit, WeightInit.XAVIER);
    }

    /** d2l's settings: {@code lr, num_epochs, batch_size = 0.1, 10, 128} and {@code resize=224}. */
    public static TrainingConfig chapter() {
        return new TrainingConfig(224, 10, 0.1, 128, 0, 0);
    }

    public TrainingConfig withEpochs(int epochs) {
        return new TrainingConfig(resize, epochs, lr, batchSize, seed, limit, init, momentum, weightDecay, schedule, clipNorm);
    }

    public TrainingConfig withInit(WeightInit init) {
        return new TrainingConfig(resize, epochs, lr, batchSize, seed, limit, init, momentum, weightDecay, schedule, clipNorm);
    }

    public TrainingConfig withOptimizer(double momentum, double weightDecay, LearningRateSchedule schedule) {
        return new TrainingConfig(resize, epochs, lr, batchSize, seed, limit, init, momentum, weightDecay, schedule, clipNorm);
    }

    public TrainingConfig withClipNorm(double clipNorm) {
        return new TrainingConfig(resize, epochs, lr, batchSize, seed, limit, init, momentum, weightDecay, schedule, clipNorm);
    }

    /** The configuration as it is written into run records and checkpoints. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resize", resize);
        m.put("epochs", epochs);
        m.put("lr", lr);
        m.put("batchSize", batchSize);
        m.put("seed", seed);
        m.put("limit", limit);
        m.put("init", init.label());
        m.put("momentum", momentum);
        m.put("weightDecay", weightDecay);
        m.put("schedule", schedule.label());
        if (clipNorm > 0) m.put("clipNorm", clipNorm);  // records made before clipping existed have none
        return m;
    }

    /**
     * Whether a checkpoint written under {@code other} can continue under this one: all but the epoch count agree,
     * and the epoch count too when the rate follows a schedule (its curve is drawn over the whole run's steps).
     */
    public boolean canResume(TrainingConfig other) {
        if (schedule != LearningRateSchedule.CONSTANT) return equals(other);
        return withEpochs(1).equals(other.withEpochs(1));
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
