package dev.nin.engine;

import dev.nin.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("training")
class BackendsTest {

    /** Stands for a GPU backend on a machine without the CUDA libraries. */
    public static final class NoLibraries {
        public static Backend open() {
            throw new UnsatisfiedLinkError("libcudart.so.13: cannot open shared object file");
        }
    }

    /** Stands for a backend that finds its libraries but no device. */
    public static final class NoDevice {
        public NoDevice() {
            throw new IllegalStateException("no CUDA device (cudaGetDeviceCount returned 0); looked in /usr/local/cuda/lib64");
        }
    }

    @Test
    void theReferenceBackendOpensByName() {
        try (Backend b = Backends.open("reference")) {
            assertThat(b).isInstanceOf(ReferenceBackend.class);
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Backends.open("tpu")).hasMessageContaining("unknown backend 'tpu'")
                .hasMessageContaining("[reference, cpu, gpu, auto]");
    }

    @Test
    void aMissingClassSaysItIsNotOnTheClassPath() {
        assertThatThrownBy(() -> Backends.load("cpu", "dev.nin.engine.cpu.NoSuchBackend"))
                .isInstanceOf(Backends.UnavailableException.class)
                .hasMessageContaining("not on the class path").hasMessageContaining("ND4J");
    }

    @Test
    void aMissingNativeLibraryIsNamed() {
        assertThatThrownBy(() -> Backends.load("gpu", NoLibraries.class.getName()))
                .isInstanceOf(Backends.UnavailableException.class)
                .hasMessageContaining("backend 'gpu' failed to open").hasMessageContaining("missing native library")
                .hasMessageContaining("libcudart.so.13");
    }

    @Test
    void aBackendsOwnReasonIsPassedOn() {
        assertThatThrownBy(() -> Backends.load("gpu", NoDevice.class.getName()))
                .hasMessageContaining("no CUDA device").hasMessageContaining("looked in");
    }

    @Test
    void autoTakesTheCpuWhenTheGpuDoesNotOpenAndSaysWhy() {
        Backends.Selection s = Backends.auto(NoDevice.class.getName(), ReferenceBackend.class.getName());
        try (Backend b = s.backend()) {
            assertThat(b).isInstanceOf(ReferenceBackend.class);
            assertThat(s.reason()).startsWith("auto: took the CPU because the GPU backend did not open")
                    .contains("no CUDA device").contains("looked in /usr/local/cuda/lib64");
        }
    }
}
