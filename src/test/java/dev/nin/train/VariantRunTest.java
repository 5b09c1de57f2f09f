package dev.nin.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.book.Chapters;
import dev.nin.data.Images;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinVariants;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every exercise variant trains (a tiny run on the reference backend) and its record names it. */
@Tag(Chapters.EXERCISES)
class VariantRunTest {

    static final java.util.List<String> NAMES = NinVariants.NAMES;
    /** Two 10×10 toy images each, enlarged to NiN's smallest input: the run is tiny, the network whole. */
    static final Images TRAIN = ToyData.images(2, 10, 1), TEST = ToyData.images(2, 10, 2);

    @ParameterizedTest
    @FieldSource("NAMES")
    void aTinyRunOfEachVariantWritesARecordNamingIt(String name, @TempDir Path out) throws Exception {
        int size = Nin.minimumInputSize();
        NetworkSpec spec = NinVariants.named(name, Nin.spec(size));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
        TrainingConfig config = new TrainingConfig(size, 1, 0.05, 2, 0, 0, WeightInit.KAIMING);
        RunRecord record = new Trainer(new ReferenceBackend(), spec, config, out, new ProgressBar(quiet, false), quiet).train(TRAIN, TEST, false);
        assertThat(record.outcome()).isIn(RunRecord.COMPLETED, RunRecord.DEAD);  // one step cannot promise learning
        RunRecord written = RunRecords.read(out.resolve(Trainer.RECORD));
        assertThat(written.config()).containsEntry("variant", name).containsEntry("network", spec.name());
        assertThat(written.epochs()).hasSize(1);
    }
}
