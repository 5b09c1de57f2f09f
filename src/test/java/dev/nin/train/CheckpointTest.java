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

    @Test
    void aCheckpointCarriesTheOptimizerAndItsVelocities(@TempDir Path dir) throws IOException {
        Network trained = network(1);
        TrainingConfig config = CONFIG.withOptimizer(0.9, 5e-4, LearningRateSchedule.WARMUP_COSINE);
        Sgd sgd = new Sgd(trained, config.momentum(), config.weightDecay());
        for (Parameter p : trained.parameters()) trained.backend().fill(p.gradient(), 0.5f);
        sgd.step(0.1f);
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.of(trained, sgd, config, List.of()).write(file);

        Checkpoint read = Checkpoint.read(file);
        assertThat(read.config()).isEqualTo(config);
        Network fresh = network(2);
        Sgd restored = new Sgd(fresh, config.momentum(), config.weightDecay());
        read.restore(fresh, restored);
        assertThat(restored.velocities()).usingRecursiveComparison().isEqualTo(sgd.velocities());
        assertThat(restored.velocities()).hasSameSizeAs(trained.parameters());
    }

    /** A version-2 checkpoint (before momentum): the same bytes without the optimizer's fields, read as plain SGD. */
    @Test
    void aCheckpointFromBeforeMomentumReadsAsPlainSgd(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoint.bin");
        Network trained = network(1);
        var bytes = new java.io.ByteArrayOutputStream();
        var crc = new java.util.zip.CRC32();
        var out = new java.io.DataOutputStream(new java.util.zip.CheckedOutputStream(bytes, crc));
        out.write("NIN-CKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeInt(2);
        out.writeInt(CONFIG.resize());
        out.writeInt(CONFIG.epochs());
        out.writeDouble(CONFIG.lr());
        out.writeInt(CONFIG.batchSize());
        out.writeLong(CONFIG.seed());
        out.writeInt(CONFIG.limit());
        out.writeUTF(CONFIG.init().label());
        out.writeInt(0);  // no epochs
        var parameters = Weights.of(trained);
        out.writeInt(parameters.size());
        for (var e : parameters.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            for (float f : e.getValue()) out.writeFloat(f);
        }
        out.flush();
        new java.io.DataOutputStream(bytes).writeLong(crc.getValue());
        Files.write(file, bytes.toByteArray());

        Checkpoint read = Checkpoint.read(file);
        assertThat(read.config()).isEqualTo(CONFIG);
        assertThat(read.config().momentum()).isZero();
        assertThat(read.config().schedule()).isEqualTo(LearningRateSchedule.CONSTANT);
        assertThat(read.velocities()).isEmpty();
        assertThat(read.parameters()).usingRecursiveComparison().isEqualTo(parameters);
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
