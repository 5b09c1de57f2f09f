package dev.nin.architecture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GPU machine runs without ND4J on its class path, so only {@code engine.cpu} (the ND4J backend) and
 * {@code concepts} (which demonstrate ideas with ND4J) may name {@code org.nd4j} or {@code org.bytedeco}.
 * A class anywhere else that names them would fail to link there, or drag JavaCPP along.
 */
@Tag("architecture")
class NativeImportsTest {

    /** Folders under src/main/java allowed to use ND4J and JavaCPP. */
    static final List<String> ALLOWED = List.of("dev/nin/engine/cpu/", "dev/nin/concepts/");

    /** org.nd4j or org.bytedeco as a name in code, with any spacing around the dot (Java allows it). */
    static final Pattern NATIVE = Pattern.compile("\\borg\\s*\\.\\s*(nd4j|bytedeco)\\b");

    @Test
    void onlyTheCpuEngineAndTheConceptsNameNd4jOrJavaCpp() throws IOException {
        List<String> offences = violations(Path.of("src/main/java"));
        assertThat(offences)
                .as("files outside %s that name org.nd4j or org.bytedeco (the GPU path has no ND4J)", ALLOWED)
                .isEmpty();
    }

    @Test
    void theScanNamesTheFileAndLineOfAnImportOutsideTheAllowedFolders(@TempDir Path root) throws IOException {
        write(root, "dev/nin/train/Trainer.java", """
                package dev.nin.train;

                import java.util.List;
                import org.nd4j.linalg.factory.Nd4j;
                """);
        write(root, "dev/nin/data/Loader.java", """
                package dev.nin.data;
                class Loader { Object p = org.bytedeco.javacpp.Loader.class; }
                """);
        write(root, "dev/nin/engine/cpu/Nd4jBackend.java", "import org.nd4j.linalg.api.ndarray.INDArray;\n");
        write(root, "dev/nin/concepts/Demo.java", "import static org.nd4j.linalg.factory.Nd4j.create;\n");

        assertThat(violations(root)).containsExactly(
                "dev/nin/data/Loader.java:2: class Loader { Object p = org.bytedeco.javacpp.Loader.class; }",
                "dev/nin/train/Trainer.java:4: import org.nd4j.linalg.factory.Nd4j;");
    }

    @Test
    void commentsAndStringsMayMentionNd4j(@TempDir Path root) throws IOException {
        write(root, "dev/nin/engine/Backends.java", """
                package dev.nin.engine;
                // the cpu backend is org.nd4j based; it is loaded by name
                /* import org.nd4j.linalg.factory.Nd4j; */
                /**
                 * Never links {@code org.bytedeco}.
                 */
                class Backends { String why = "no org.nd4j here"; String cls = "dev.nin.engine.cpu.Nd4jBackend"; }
                """);
        assertThat(violations(root)).isEmpty();
    }

    /** "path:line: text" for every line outside the allowed folders that names org.nd4j or org.bytedeco in code. */
    static List<String> violations(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (ALLOWED.stream().anyMatch(relative::startsWith)) continue;
                String source = Files.readString(file, StandardCharsets.UTF_8);
                String[] original = source.split("\n", -1), code = codeOnly(source).split("\n", -1);
                for (int i = 0; i < code.length; i++) {
                    Matcher m = NATIVE.matcher(code[i]);
                    if (m.find()) found.add(relative + ":" + (i + 1) + ": " + original[i].strip());
                }
            }
        }
        return found;
    }

    /**
     * The source with comments and string/char literals blanked out (line breaks kept, so line numbers stay
     * right): a javadoc may explain that a class avoids ND4J without being an offence.
     */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0, n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) if (source.charAt(i) == '\n') out.append('\n');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                for (; i < end; i++) if (source.charAt(i) == '\n') out.append('\n');
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') i += source.charAt(i) == '\\' ? 2 : 1;
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void write(Path root, String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
