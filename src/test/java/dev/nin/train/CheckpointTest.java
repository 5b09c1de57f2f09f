package dev.nin.train;

import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import dev.nin.train.record.EpochMetrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("training")
class CheckpointTest {
    static final TrainingConfig CONFIG = new TrainingConfig(12, 3, 0.1, 4, 9, 0, WeightInit.KAIMING);  // not the default: the round trip must carry it

    Network network(long seed) {
        Network net = new Network(new ReferenceBackend(), TinyNin.spec(3), Shape.of(1, 1, 12, 12), 4);
        net.initialize(seed);
        return net;
    }

    @Test
    void aCheckpointRestoresEveryParameterAndTheMetrics(@TempDir Path dir) throws IOException {
        Network trained = network(1);
        List<EpochMetrics> epochs = List.of(new EpochMetrics(1, 2.1, 0.2, 0.25, 3.5, 100));
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.of(trained, CONFIG, epochs).write(file);

        Checkpoint read = Checkpoint.read(file);
        Network fresh = network(2);
        read.restore(fresh);
        assertThat(read.config()).isEqualTo(CONFIG);
        assertThat(read.epochs()).isEqualTo(epochs);
        for (int i = 0; i < trained.parameters().size(); i++) {
            assertThat(values(fresh.parameters().get(i))).isEqualTo(values(trained.parameters().get(i)));
        }
        assertThat(Files.list(dir)).containsExactly(file);  // no temporary file left behind
    }

    static float[] values(Parameter p) {
        return ((ReferenceBackend.HostTensor) p.value()).data().clone();
    }

    @Test
    void aTruncatedCheckpointIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.of(network(1), CONFIG, List.of()).write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Checkpoint.read(file)).isInstanceOf(Checkpoint.BrokenException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("truncated");
    }

    @Test
    void aCorruptedCheckpointFailsItsChecksum(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.of(network(1), CONFIG, List.of()).write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 1;  // one bit of a weight
        Files.write(file, bytes);
        assertThatThrownBy(() -> Checkpoint.read(file)).hasMessageContaining(file.toString()).hasMessageContaining("checksum");
    }

    @Test
    void anotherFileIsNotACheckpoint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        Files.writeString(file, "{\"kind\": \"train\"}");
        assertThatThrownBy(() -> Checkpoint.read(file)).hasMessageContaining(file.toString()).hasMessageContaining("not a checkpoint");
    }

    @Test
    void aCheckpointForAnotherNetworkIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.of(network(1), CONFIG, List.of()).write(file);
        Network wider = new Network(new ReferenceBackend(), TinyNin.spec(5), Shape.of(1, 1, 12, 12), 4);
        assertThatThrownBy(() -> Checkpoint.read(file).restore(wider)).hasMessageContaining("0.0.weight");
    }
}
