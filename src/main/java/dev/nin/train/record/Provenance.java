package dev.nin.train.record;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where and when a number was measured: host, CPU model, cores, memory, operating system, Java, the git
 * commit (with a dirty flag) and the date. A number without its machine is not a result.
 */
public final class Provenance {

    private Provenance() {
    }

    /** This machine and moment; a fact that cannot be found reads "unknown". */
    public static Map<String, String> collect() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("host", host());
        p.put("cpu", cpuModel());
        p.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        p.put("memoryBytes", memoryBytes());
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("java", Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        String commit = System.getenv("NIN_COMMIT"); // set where the sources travel without their .git
        if (commit != null && !commit.isBlank()) {
            p.put("commit", commit.strip());
            p.put("dirty", "unknown");
        } else {
            p.put("commit", git("rev-parse", "--short", "HEAD"));
            String status = git("status", "--porcelain", "--untracked-files=no");
            p.put("dirty", status.equals("unknown") ? "unknown" : Boolean.toString(!status.isEmpty()));
        }
        p.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        return Collections.unmodifiableMap(p);
    }

    /** The first "model name" line of /proc/cpuinfo, e.g. "AMD EPYC". */
    static String cpuModel() {
        return procField(Path.of("/proc/cpuinfo"), "model name")
                .orElse(System.getProperty("os.arch"));
    }

    /** MemTotal of /proc/meminfo in bytes. */
    static String memoryBytes() {
        return procField(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> Long.toString(Long.parseLong(v.replace("kB", "").strip()) * 1024))
                .orElse("unknown");
    }

    private static java.util.Optional<String> procField(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key))
                    return java.util.Optional.of(line.substring(colon + 1).strip());
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the caller says "unknown"
        }
        return java.util.Optional.empty();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The output of a git command in the working directory, or "unknown" without git or a repository. */
    static String git(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                return "unknown";
            }
            return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
