package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Binding cuDNN needs no GPU: a lookup that answers every name with some C function's address lets the
 * bindings be made (never called). A cuDNN without the fused call must still open, with the fast path off;
 * one without a required call must refuse, naming it.
 */
@Tag(Chapters.GPU)
class CudnnBindingTest {
    private static final MemorySegment SOME_FUNCTION = NativeLibraries.LINKER.defaultLookup().find("abs").orElseThrow();

    private static NativeLibraries.Library cudnnLacking(Set<String> missing) {
        SymbolLookup lookup = name -> missing.contains(name) ? Optional.empty() : Optional.of(SOME_FUNCTION);
        return new NativeLibraries.Library("cuDNN 9", "a test lookup", null, lookup);
    }

    @Test
    void aCudnnWithoutTheFusedCallOpensWithTheFusedPathOff() {
        try (Arena arena = Arena.ofConfined()) {
            NativeLibraries.Library lib = cudnnLacking(Set.of(Cudnn.FUSED));
            Cudnn cudnn = new Cudnn(lib, arena);
            assertThat(cudnn.hasFusedConvBiasActivation()).isFalse();
            assertThatThrownBy(() -> cudnn.biasActivationForward(null, null, null, null, null, null, null, 0, null, 0,
                    null, null, null, null, null, null, null, null)).hasMessageContaining(Cudnn.FUSED + " is not in a test lookup");
            assertThat(Cudnn.fusedMissingLine(lib)).isEqualTo("[gpu] cuDNN (a test lookup) has no cudnnConvolutionBiasActivationForward: "
                    + "convolution, bias and ReLU run as separate calls").doesNotContain("\n");
        }
    }

    @Test
    void theFusedPathIsOnWhenTheCallIsThere() {
        try (Arena arena = Arena.ofConfined()) {
            assertThat(new Cudnn(cudnnLacking(Set.of()), arena).hasFusedConvBiasActivation()).isTrue();
        }
    }

    @Test
    void aRequiredCallThatIsMissingStillRefusesNamingIt() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> new Cudnn(cudnnLacking(Set.of("cudnnConvolutionForward")), arena))
                    .isInstanceOf(GpuUnavailableException.class)
                    .hasMessageContaining("has no function cudnnConvolutionForward");
        }
    }

    @Test
    void theMissingFusedCallIsSaidOncePerProcess() {
        NativeLibraries.Library lib = cudnnLacking(Set.of(Cudnn.FUSED));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Cudnn.sayFusedMissingOnce(lib, out);
        Cudnn.sayFusedMissingOnce(lib, out);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(Cudnn.FUSED)).count())
                .as("one line (no backend opened a cuDNN without the call in this test run before)").isEqualTo(1);
    }
}
