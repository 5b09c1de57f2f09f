package dev.nin.cli;

import dev.nin.book.TrainingPlot;
import dev.nin.data.FashionMnist;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.model.Nin;
import dev.nin.model.NetworkSpec;
import dev.nin.model.NinVariants;
import dev.nin.model.Shape;
import dev.nin.train.Checkpoint;
import dev.nin.train.LearningRateSchedule;
import dev.nin.train.MemoryBudget;
import dev.nin.train.RunLock;
import dev.nin.train.ProgressBar;
import dev.nin.train.Trainer;
import dev.nin.train.TrainingConfig;
import dev.nin.train.WeightInit;
import dev.nin.train.record.RunRecord;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./nin train}: trains NiN on Fashion-MNIST and writes {@code run.json}, {@code run.svg} and
 * {@code checkpoint.bin} to the output folder. Without flags it runs a quick configuration that learns
 * visibly on a 2-core machine in a few minutes; {@code --chapter} runs d2l's (224×224, 10 epochs, lr 0.1).
 */
final class TrainCommand implements Command {
    // tag::defaults[]
    /**
     * The default for a 2-core machine, the best recipe exercise 1's tuning runs found at a few minutes' budget: all
     * 60,000 training images enlarged to 72×72 (NiN needs at least 67), 2 epochs, batches of 64, Kaiming (He)
     * initialisation with the class layer opened (its weights zero, its biases 0.5: every class channel starts alive),
     * SGD with momentum 0.9 at lr 0.02, warmed up over the first 5 % of the steps and lowered along a cosine, the
     * gradients' norm clipped at 5 (a rare outsized step is what silences one of NiN's ten-channel layers for good,
     * in PyTorch too: docs/results/cpu/tuning/torch-*). Still the
     * chapter's network; the start and the optimizer differ. Its runs are docs/results/cpu/tuning/default-s*.json.
     * At resize 72 and a short budget the chapter's Xavier init keeps the loss at ln 10 for an epoch or more, plain
     * SGD at the chapter's lr 0.1 and batch 128 had not left chance after 2 epochs of 30,000 images, and with plain
     * Kaiming each of its three runs lost a class or two for good (docs/results/cpu/tuning/: every change measured).
     */
    static final TrainingConfig QUICK = new TrainingConfig(72, 2, 0.02, 64, 0, 0, WeightInit.KAIMING_LIVE_CLASSES)
            .withOptimizer(0.9, 0, LearningRateSchedule.WARMUP_COSINE).withClipNorm(5);
    /** Printed when no training flag is given: what the default is and why it is not the chapter's. */
    static final String QUICK_WHY = "quick default: resize 72, 2 epochs, lr 0.02 with momentum 0.9 and a warm-up/cosine schedule, "
            + "gradient norm clipped at 5, batch 64, Kaiming init with the class layer opened (the best of exercise 1's tuning runs for a few minutes on 2 cores; "
            + "with the chapter's Xavier init and lr 0.1 NiN sits at loss ln 10 for an epoch or more at this size, and with plain "
            + "Kaiming some class channels die and their classes are never answered; clipping keeps rare oversized steps from "
            + "silencing a layer); --chapter runs d2l's configuration";
    // end::defaults[]

    static final Set<String> VALUED = Set.of("--variant", "--resize", "--epochs", "--lr", "--batch-size", "--seed", "--limit", "--init", "--momentum", "--weight-decay", "--schedule", "--clip-norm", "--device", "--out", CudaLibsFlag.FLAG);
    static final Set<String> SWITCHES = Set.of("--resume", "--chapter");
    /** The flags that change what is trained; without any of them (and without --chapter) the quick default says why it is what it is. */
    static final Set<String> TRAINING_FLAGS = Set.of("--variant", "--resize", "--epochs", "--lr", "--batch-size", "--seed", "--limit", "--init",
            "--momentum", "--weight-decay", "--schedule", "--clip-norm", "--chapter");

    @Override
    public String summary() {
        return "train NiN on Fashion-MNIST (--chapter for d2l's configuration; --help for the flags)";
    }

    static String usage() {
        return """
                usage: ./nin train [--variant NAME] [--chapter] [--resize R] [--epochs E] [--lr LR] [--batch-size B] [--seed S]
                                   [--limit N] [--init xavier|kaiming|kaiming-live-classes] [--momentum M] [--weight-decay W] [--schedule constant|warmup-cosine] [--clip-norm C]
                                   [--device cpu|gpu|auto|reference] [--cuda-libs DIRS] [--out DIR] [--resume]
                  no flags     a quick run: resize %d, %d epochs, lr %s, momentum %s, %s schedule, gradient norm clipped at %s,
                               batch %d, %s init, all training examples
                  --variant    which network: %s (nin, the chapter's, is the default; the others are
                               the exercises' variants: one 1×1 convolution per block, the 3×3 or 1×1 head, no final ReLU)
                  --chapter    the chapter's configuration: resize 224, 10 epochs, lr 0.1, batch 128, all 60,000
                  --limit N    train on the first N training examples (0 = all); the test set is always whole
                  --init       the convolution weights' start: xavier (the chapter's, variance 2/(fan_in+fan_out))
                               or kaiming (He, variance 2/fan_in, made for ReLUs), or kaiming-live-classes: Kaiming,
                               with the class layer (the last convolution) at zero weights and bias %s, so that
                               every class channel starts open and no class is shut out early
                  --momentum   SGD's momentum as PyTorch's (v = M·v + g; w -= lr·v); 0, the chapter's, is plain SGD
                  --weight-decay  PyTorch's weight_decay: W·w added to every gradient; 0 (the chapter's) adds nothing
                  --schedule   the learning rate over the run: constant (the chapter's), or warmup-cosine: rising
                               linearly to lr over the first %d%% of the steps, then along half a cosine to 0 at the end
                  --clip-norm  PyTorch's clip_grad_norm_: before each step, all gradients scaled together so their L2
                               norm is at most C; 0 (the chapter's) leaves them as they are
                  --device     auto (default) takes the GPU when it opens, else the CPU (saying why)
                  --cuda-libs  colon-separated folders searched first for libcudart, libcudnn, libnvrtc, libcuda
                               (else NIN_CUDA_LIBS, then the system loader's path)
                  --out DIR    where run.json, run.svg and checkpoint.bin go (default: runs/<device>-r<R>-e<E>-lr<LR>-s<S>,
                               then -m<M>, -wd<W>, -<schedule> for an optimizer other than the chapter's);
                               one run at a time: DIR/nin.lock names the process that uses it; a DIR that
                               holds another run's checkpoint takes --resume (or another DIR)
                  --resume     continue from DIR/checkpoint.bin (same configuration; --epochs may grow, not shrink)
                """.formatted(QUICK.resize(), QUICK.epochs(), QUICK.lr(), QUICK.momentum(), QUICK.schedule().label(), QUICK.clipNorm(), QUICK.batchSize(), QUICK.init().label(), String.join(", ", NinVariants.NAMES),
                WeightInit.CLASS_LAYER_BIAS, LearningRateSchedule.WARMUP_PERCENT);
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage());
            return 0;
        }
        Flags f = new Flags(args, VALUED, SWITCHES);
        TrainingConfig base = f.has("--chapter") ? TrainingConfig.chapter() : QUICK;
        TrainingConfig config = new TrainingConfig(f.integer("--resize", base.resize()), f.integer("--epochs", base.epochs()),
                f.number("--lr", base.lr()), f.integer("--batch-size", base.batchSize()), f.longValue("--seed", base.seed()),
                f.integer("--limit", base.limit()), f.has("--init") ? WeightInit.parse(f.string("--init", null)) : base.init(),
                f.number("--momentum", base.momentum()), f.number("--weight-decay", base.weightDecay()),
                f.has("--schedule") ? LearningRateSchedule.parse(f.string("--schedule", null)) : base.schedule(),
                f.number("--clip-norm", base.clipNorm()));
        String variant = f.string("--variant", "nin");
        var spec = NinVariants.named(variant, Nin.spec(config.resize()));  // rejects a too-small --resize, naming the minimum
        spec.outputShape(Shape.of(1, 1, config.resize(), config.resize()));  // and a size a variant cannot take
        String device = f.string("--device", "auto");
        if (!Backends.NAMES.contains(device)) throw new IllegalArgumentException("--device must be one of " + Backends.NAMES + ", got '" + device + "'");
        CudaLibsFlag.apply(f);

        // the backend opens before the data loads, so a GPU that does not open is reported at once; then every
        // other refusal (memory, a folder in use or unwritable, a checkpoint that does not fit) before the data loads
        Backends.Selection selection = Backends.select(device);
        try (Backend backend = selection.backend()) {
            Path dir = f.path("--out", Path.of("runs", String.format(Locale.ROOT, "%s%s-r%d-e%d-lr%s-s%d",
                    variant.equals("nin") ? "" : variant + "-", backend.name(), config.resize(), config.epochs(), config.lr(), config.seed())
                    + optimizerSuffix(config)));
            MemoryBudget.require(spec, config.resize(), config.batchSize(), backend);
            try (RunLock _ = RunLock.acquire(dir, dir.resolve(Trainer.LOCK), "--out")) {
                return train(f, args, config, spec, selection, backend, dir, out);
            }
        }
    }

    private static int train(Flags f, List<String> args, TrainingConfig config, NetworkSpec spec, Backends.Selection selection,
                             Backend backend, Path dir, PrintStream out) throws IOException {
        Trainer trainer = new Trainer(backend, spec, config, dir, ProgressBar.console(), out);
        boolean resume = f.has("--resume");
        try {
            trainer.prepare(resume);
        } catch (Checkpoint.BrokenException e) {
            throw new IllegalArgumentException(e.getMessage() + "; delete it to start afresh", e);
        }
        FashionMnist data = FashionMnist.load(FashionMnist.defaultDirectory());
        out.println(selection.reason());
        out.printf(Locale.ROOT, "training %s on %s: resize %d, %d epoch%s, lr %s%s, batch %d, seed %d, %s init, %,d of %,d training examples%s%n",
                spec.name(), backend.device(), config.resize(), config.epochs(), config.epochs() == 1 ? "" : "s", config.lr(), optimizer(config), config.batchSize(), config.seed(), config.init().label(),
                config.limit() > 0 ? Math.min(config.limit(), data.train().count()) : data.train().count(), data.train().count(),
                f.has("--chapter") ? " (the chapter's configuration)" : "");
        if (TRAINING_FLAGS.stream().noneMatch(args::contains)) out.println(QUICK_WHY);
        out.println("records go to " + dir + "/ (" + Trainer.RECORD + ", " + Trainer.PLOT + ", " + Trainer.CHECKPOINT + ")");
        RunRecord record;
        try {
            record = trainer.train(data.train(), data.test(), resume);
        } catch (Checkpoint.BrokenException e) {
            throw new IllegalArgumentException(e.getMessage() + "; delete it to start afresh", e);
        }
        try {
            TrainingPlot.writeSvg(record, dir.resolve(Trainer.PLOT));  // quietly: the output ends like the chapter's
        } catch (IOException | LinkageError e) {  // e.g. a minimal JRE without java.desktop: the record is the result
            System.err.println("nin train: could not draw " + dir.resolve(Trainer.PLOT) + " (" + e + "); the record " + dir.resolve(Trainer.RECORD) + " is complete");
        }
        return record.outcome().equals(RunRecord.COMPLETED) ? 0 : 1;
    }

    /** What the run does beyond plain SGD at a constant rate, for the first line (nothing for the chapter's optimizer). */
    static String optimizer(TrainingConfig config) {
        StringBuilder b = new StringBuilder();
        if (config.schedule() != LearningRateSchedule.CONSTANT) b.append(" (").append(config.schedule().label()).append(')');
        if (config.momentum() > 0) b.append(", momentum ").append(plain(config.momentum()));
        if (config.weightDecay() > 0) b.append(", weight decay ").append(plain(config.weightDecay()));
        if (config.clipNorm() > 0) b.append(", gradient norm clipped at ").append(plain(config.clipNorm()));
        return b.toString();
    }

    /** 0.0005 rather than 5.0E-4. */
    private static String plain(double x) {
        return new java.math.BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
    }

    /** The default folder's name tells runs with another optimizer apart ("" for the chapter's). */
    static String optimizerSuffix(TrainingConfig config) {
        return (config.momentum() > 0 ? "-m" + plain(config.momentum()) : "") + (config.weightDecay() > 0 ? "-wd" + plain(config.weightDecay()) : "")
                + (config.schedule() != LearningRateSchedule.CONSTANT ? "-" + config.schedule().label() : "")
                + (config.clipNorm() > 0 ? "-clip" + plain(config.clipNorm()) : "");
    }
}
