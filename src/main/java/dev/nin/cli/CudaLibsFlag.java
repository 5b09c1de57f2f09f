package dev.nin.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --cuda-libs DIR:DIR}: where the GPU backend looks for NVIDIA's libraries before the system loader's path.
 * It becomes the system property {@code nin.cuda.libs}, which the backend reads when it opens (and which wins over
 * the environment variable {@code NIN_CUDA_LIBS}); so it must be applied before the backend is opened.
 */
final class CudaLibsFlag {
    static final String FLAG = "--cuda-libs", PROPERTY = "nin.cuda.libs";

    private CudaLibsFlag() {
    }

    /** Sets {@code nin.cuda.libs} from the flag, if given; a folder that does not exist is an error naming it. */
    static void apply(Flags flags) {
        if (!flags.has(FLAG)) return;
        String value = flags.string(FLAG, "");
        for (String part : value.split(File.pathSeparator)) {
            if (part.isBlank()) continue;
            if (!Files.isDirectory(Path.of(part.trim())))
                throw new IllegalArgumentException(FLAG + ": '" + part + "' is not a directory (give folders holding libcudart, libcudnn, ..., separated by ':')");
        }
        if (value.isBlank()) throw new IllegalArgumentException(FLAG + " needs one or more directories separated by ':'");
        System.setProperty(PROPERTY, value);
    }
}
