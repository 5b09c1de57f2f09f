package dev.nin.engine.cpu;

import dev.nin.engine.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.nin.engine.cpu.Nd4jBackendProperties.SHRINKS;
import static dev.nin.engine.cpu.Nd4jBackendProperties.abs;
import static dev.nin.engine.cpu.Nd4jBackendProperties.allGradients;
import static dev.nin.engine.cpu.Nd4jBackendProperties.assertCloseRelativeToMagnitude;
import static dev.nin.engine.cpu.Nd4jBackendProperties.in;
import static dev.nin.engine.cpu.Nd4jBackendProperties.random;
import static dev.nin.engine.cpu.Nd4jBackendProperties.ref;
import static dev.nin.engine.cpu.Nd4jBackendProperties.run;
import static dev.nin.engine.cpu.Nd4jBackendProperties.smallConvolutions;
import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CPU engine runs its convolutions in oneDNN called directly when libdnnl.so.2 loads, else in libnd4j's conv2d
 * ops. {@link Nd4jBackendProperties} checks the engine as it runs by default; these check the other library too,
 * against the same reference, so that neither path can rot unseen.
 */
@Tag("cpu-backend")
class ConvolutionLibrariesProperties {
    static final Backend libnd4j = new Nd4jBackend("libnd4j");

    @AfterAll
    static void close() {
        libnd4j.close();
    }

    @Test
    void theDefaultCallsOneDnnDirectlyWhenItsLibraryLoads() {
        try (Backend be = new Nd4jBackend()) {
            String convolutions = be.provenance().get("convolutions");
            if (OneDnn.get() == null) {
                assertThat(System.getenv("NIN_REQUIRE_ONEDNN")).as("NIN_REQUIRE_ONEDNN is set, but " + OneDnn.whyNot()).isNull();
                assertThat(convolutions).isEqualTo("libnd4j");
            }
            else assertThat(convolutions).startsWith("oneDNN 2.").contains("called directly");
        }
        assertThat(libnd4j.provenance().get("convolutions")).isEqualTo("libnd4j");
    }

    @Test
    void anUnknownLibraryIsRefusedByName() {
        assertThatThrownBy(() -> new Nd4jBackend("cudnn"))
                .hasMessage("NIN_CPU_KERNELS must be onednn or libnd4j, got 'cudnn'");
    }

    @Test
    void libnd4jReluGradientEqualsTheReferenceAlsoInPlace() {
        forAll(Nd4jBackendProperties.smallActivations()).tries(30).check(a -> {
            Random r = new Random(a.seed());
            float[] y = Nd4jBackendProperties.relu(random(r, a.shape())), dy = random(r, a.shape());
            Nd4jBackendProperties.Op op = (be, t) -> be.reluBackward(t[0], t[1], t[2]);
            float[] want = Nd4jBackendProperties.signlessZeros(run(ref, a.shape(), op, in(a.shape(), y), in(a.shape(), dy)));
            assertThat(Nd4jBackendProperties.signlessZeros(run(libnd4j, a.shape(), op, in(a.shape(), y), in(a.shape(), dy)))).containsExactly(want);
            float[] inPlace = Nd4jBackendProperties.inPlace(libnd4j, a.shape(), dy, (be, t) -> be.reluBackward(Nd4jBackendProperties.upload(be, a.shape(), y), t, t));
            assertThat(Nd4jBackendProperties.signlessZeros(inPlace)).containsExactly(want);
        });
    }

    @Test
    void libnd4jFusedConvolutionEqualsTheReference() {
        forAll(smallConvolutions()).tries(30).shrinks(SHRINKS).check(c -> {
            Random r = new Random(c.seed());
            float[] x = random(r, c.xShape()), w = random(r, c.wShape()), b = random(r, c.bShape());
            Nd4jBackendProperties.Op op = (be, t) -> be.conv2dBiasReluForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]);
            Nd4jBackendProperties.Op plain = (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]);
            assertCloseRelativeToMagnitude(
                    run(libnd4j, c.yShape(), op, in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b)),
                    run(ref, c.yShape(), op, in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b)),
                    run(ref, c.yShape(), plain, in(c.xShape(), abs(x)), in(c.wShape(), abs(w)), in(c.bShape(), abs(b))));
        });
    }

    @Test
    void libnd4jConvolutionGradientsEqualTheReference() {
        forAll(smallConvolutions(), org.quicktheories.generators.SourceDSL.booleans().all()).tries(30).shrinks(SHRINKS).check((c, wantDx) -> {
            Random r = new Random(c.seed());
            float[] x = random(r, c.xShape()), w = random(r, c.wShape()), dy = random(r, c.yShape());
            float[][] got = allGradients(libnd4j, c, x, w, dy, wantDx), want = allGradients(ref, c, x, w, dy, wantDx);
            float[][] magnitude = allGradients(ref, c, abs(x), abs(w), abs(dy), wantDx);
            for (int i = 0; i < 3; i++) assertCloseRelativeToMagnitude(got[i], want[i], magnitude[i]);
        });
    }
}
