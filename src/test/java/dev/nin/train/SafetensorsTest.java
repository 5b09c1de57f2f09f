package dev.nin.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nin.model.Nin;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.generators.SourceDSL.integers;

/** The safetensors door: what it writes is the format, and every bad file is refused with a line naming the tensor. */
@Tag("weights")
class SafetensorsTest {
    @TempDir
    Path dir;

    /** NiN's parameters with seeded values: any values travel, these are easy to tell apart. */
    static Map<String, float[]> ninValues(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        Weights.shapes(Nin.spec(96)).forEach((name, shape) -> {
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble(-1, 1);
            values.put(name, v);
        });
        return values;
    }

    @Test
    void parameterNamesAreThoseOfD2lsSequentialNin() {
        // d2l: nn.Sequential(nin_block(...), MaxPool2d, nin_block, MaxPool2d, nin_block, MaxPool2d, Dropout, nin_block, ...)
        // with nin_block = nn.Sequential(conv, ReLU, conv1x1, ReLU, conv1x1, ReLU): convolutions at 0, 2 and 4
        assertThat(Weights.shapes(Nin.spec()).keySet()).containsExactly(
                "0.0.weight", "0.0.bias", "0.2.weight", "0.2.bias", "0.4.weight", "0.4.bias",
                "2.0.weight", "2.0.bias", "2.2.weight", "2.2.bias", "2.4.weight", "2.4.bias",
                "4.0.weight", "4.0.bias", "4.2.weight", "4.2.bias", "4.4.weight", "4.4.bias",
                "7.0.weight", "7.0.bias", "7.2.weight", "7.2.bias", "7.4.weight", "7.4.bias");
        assertThat(Weights.shapes(Nin.spec()).get("0.0.weight")).isEqualTo(Shape.of(96, 1, 11, 11));  // PyTorch's (out, in, kh, kw)
    }

    @Test
    void writtenWeightsReadBackExactly() throws Exception {
        Map<String, float[]> values = ninValues(1);
        Path file = dir.resolve("w.safetensors");
        Weights.writeSafetensors(file, Nin.spec(96), values, Map.of("resize", "96"));

        Map<String, float[]> back = Weights.readSafetensors(file, Nin.spec(96));
        assertThat(back.keySet()).containsExactlyElementsOf(values.keySet());
        values.forEach((name, v) -> assertThat(Arrays.equals(back.get(name), v)).as(name + ", bit for bit").isTrue());
        assertThat(Safetensors.metadata(file)).containsEntry("resize", "96").containsEntry("format", "pt");
    }

    @Test
    void theFileIsAHeaderLengthAPaddedJsonHeaderAndLittleEndianFloats() throws Exception {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, Map.of("a", new Safetensors.Array(Shape.of(2, 3), new float[]{0, 1, 2, 3, 4, 5.5f})), Map.of());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertThat(n % 8).as("the data starts 8-byte aligned").isZero();
        var header = new ObjectMapper().readTree(new String(b.array(), 8, (int) n, StandardCharsets.UTF_8));
        assertThat(header.get("a").get("dtype").asText()).isEqualTo("F32");
        assertThat(header.get("a").get("shape").toString()).isEqualTo("[2,3]");
        assertThat(header.get("a").get("data_offsets").toString()).isEqualTo("[0,24]");
        assertThat(b.capacity()).isEqualTo(8 + n + 24);
        assertThat(b.getFloat((int) (8 + n + 5 * 4))).isEqualTo(5.5f);
    }

    // tag::bad-files[]
    @Test
    void aTensorOfAnotherShapeIsRefusedByName() throws Exception {
        Map<String, Shape> shapes = new LinkedHashMap<>(Weights.shapes(Nin.spec(96)));
        shapes.put("2.2.weight", Shape.of(256, 256, 3, 3));
        Path file = write(shapes, ninValuesFor(shapes));
        assertThatThrownBy(() -> Weights.readSafetensors(file, Nin.spec(96)))
                .isInstanceOf(Safetensors.BrokenException.class)
                .hasMessage("weights " + file + " are unusable: tensor 2.2.weight has shape [256, 256, 3, 3], the network needs [256, 256, 1, 1]");
    }

    @Test
    void aMissingTensorIsRefusedByName() throws Exception {
        Map<String, Shape> shapes = new LinkedHashMap<>(Weights.shapes(Nin.spec(96)));
        shapes.remove("7.4.bias");
        Path file = write(shapes, ninValuesFor(shapes));
        assertThatThrownBy(() -> Weights.readSafetensors(file, Nin.spec(96)))
                .hasMessage("weights " + file + " are unusable: tensor 7.4.bias is missing");
    }

    @Test
    void anExtraTensorIsRefusedByName() throws Exception {
        Map<String, Shape> shapes = new LinkedHashMap<>(Weights.shapes(Nin.spec(96)));
        shapes.put("9.weight", Shape.of(10, 10));  // e.g. a dense head that d2l's NiN does not have
        Path file = write(shapes, ninValuesFor(shapes));
        assertThatThrownBy(() -> Weights.readSafetensors(file, Nin.spec(96)))
                .hasMessageContaining("tensor 9.weight is not a parameter of this network");
    }

    @Test
    void anotherDtypeIsRefusedByName() throws Exception {
        Path file = write(Weights.shapes(Nin.spec(96)), ninValues(2));
        rewriteHeader(file, h -> ((ObjectNode) h.get("4.0.bias")).put("dtype", "F16"));
        assertThatThrownBy(() -> Weights.readSafetensors(file, Nin.spec(96)))
                .hasMessageStartingWith("weights " + file + " are unusable: tensor 4.0.bias is F16, this program reads F32");
    }
    // end::bad-files[]

    @Test
    void everyTruncationIsRefusedInOneLine() throws Exception {
        Path whole = write(Weights.shapes(Nin.spec(96)), ninValues(3));
        byte[] bytes = Files.readAllBytes(whole);
        Gen<Integer> cuts = integers().between(0, bytes.length - 1);
        forAll(cuts).tries(60).check(cut -> {
            Path file = dir.resolve("cut.safetensors");
            Files.write(file, Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> Weights.readSafetensors(file, Nin.spec(96)))
                    .isInstanceOf(Safetensors.BrokenException.class)
                    .hasMessageNotContaining("\n")
                    .message().containsAnyOf("truncated", "not safetensors");
        });
    }

    @Test
    void aCutInTheDataNamesTheFirstTensorItCuts() throws Exception {
        Path file = write(Weights.shapes(Nin.spec(96)), ninValues(4));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));  // into the last tensor, 7.4.bias
        assertThatThrownBy(() -> Weights.readSafetensors(file, Nin.spec(96)))
                .hasMessageContaining("tensor 7.4.bias's data ends at byte").hasMessageEndingWith("(truncated)");
    }

    @Test
    void aFileThatIsNotSafetensorsSaysSo() throws Exception {
        Path file = dir.resolve("checkpoint.bin");
        Files.writeString(file, "NIN-CKPT and some more bytes than eight");
        assertThatThrownBy(() -> Safetensors.read(file)).hasMessageContaining("(not safetensors)");
    }

    private static Map<String, float[]> ninValuesFor(Map<String, Shape> shapes) {
        Map<String, float[]> v = new LinkedHashMap<>();
        shapes.forEach((name, s) -> v.put(name, new float[(int) s.size()]));
        return v;
    }

    private Path write(Map<String, Shape> shapes, Map<String, float[]> values) throws Exception {
        Map<String, Safetensors.Array> tensors = new LinkedHashMap<>();
        shapes.forEach((name, s) -> tensors.put(name, new Safetensors.Array(s, values.get(name))));
        Path file = Files.createTempFile(dir, "w", ".safetensors");
        Safetensors.write(file, tensors, Map.of());
        return file;
    }

    /** Edits the JSON header in place, keeping its length (padded with spaces) so the data stays where it was. */
    private static void rewriteHeader(Path file, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = (ObjectNode) json.readTree(new String(bytes, 8, n, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] h = json.writeValueAsBytes(header);
        assertThat(h.length).isLessThanOrEqualTo(n);
        Arrays.fill(bytes, 8, 8 + n, (byte) ' ');
        System.arraycopy(h, 0, bytes, 8, h.length);
        Files.write(file, bytes);
    }
}
