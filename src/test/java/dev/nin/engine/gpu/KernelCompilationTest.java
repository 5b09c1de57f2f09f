package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NVRTC needs no GPU: wherever libnvrtc is found (NIN_CUDA_LIBS or the loader path), the kernels the GPU
 * backend launches must compile for Hopper (sm_90) exactly as they will on the GPU machine.
 */
@Tag(Chapters.GPU)
class KernelCompilationTest {

    private static Nvrtc nvrtcOrSkip() {
        try {
            Nvrtc nvrtc = Nvrtc.load();
            GpuStatus.write(KernelCompilationTest.class, "KernelCompilationTest compiled with NVRTC " + nvrtc.version() + " (" + nvrtc.library.origin() + ")");
            return nvrtc;
        } catch (GpuUnavailableException e) {
            GpuStatus.write(KernelCompilationTest.class, "KernelCompilationTest skipped: no NVRTC here, kernels not compiled: " + e.getMessage());
            Assumptions.abort("no NVRTC here, kernels not compiled: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void theBackendKernelsCompileToAHopperCubin() {
        Nvrtc nvrtc = nvrtcOrSkip();
        byte[] cubin = nvrtc.compileToCubin(Kernels.source(), "kernels.cu", "sm_90");
        assertThat(cubin).startsWith(0x7f, 'E', 'L', 'F');  // a cubin is an ELF image
        String symbols = new String(cubin, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (Kernels.Kernel k : Kernels.Kernel.values()) assertThat(symbols).contains(k.symbol);
    }

    @Test
    void aCompileErrorCarriesTheProgramLog() {
        Nvrtc nvrtc = nvrtcOrSkip();
        assertThatThrownBy(() -> nvrtc.compileToCubin("extern \"C\" __global__ void k() { undefined_name = 1; }", "broken.cu", "sm_90"))
                .isInstanceOf(CudaException.class)
                .hasMessageContaining("nvrtcCompileProgram(broken.cu")
                .hasMessageContaining("undefined_name");
    }
}
