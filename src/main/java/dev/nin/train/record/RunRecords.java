package dev.nin.train.record;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Run and bench records as pretty JSON files, written atomically so a reader never sees half a record. */
public final class RunRecords {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunRecords() {
    }

    // tag::write[]
    /**
     * Writes {@code record} to a temporary file beside {@code file}, flushes it to disk, then renames it
     * over {@code file} in one step: a crash leaves either the old file or the new one, never a mixture.
     */
    public static void write(Object record, Path file) throws IOException {
        AtomicFile.write(file, (out, channel) -> {
            JSON.writeValue(nonClosing(out), record);
            out.write('\n');
        });
    }
    // end::write[]

    public static RunRecord read(Path file) throws IOException {
        return read(file, RunRecord.class);
    }

    public static BenchRecord readBench(Path file) throws IOException {
        return read(file, BenchRecord.class);
    }

    public static <T> T read(Path file, Class<T> type) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw new RecordFileException(file, "missing (no such file)", e);
        } catch (JacksonException e) {
            throw new RecordFileException(file, "not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"), e);
        } catch (IllegalArgumentException e) { // a record's own check, e.g. an unknown outcome
            throw new RecordFileException(file, "not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The measurement printed by {@code scripts/torch_bench.py} (its JSON output), as the reference side
     * of a {@link BenchRecord}.
     */
    public static BenchRecord.Measurement readTorchBench(Path file) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new RecordFileException(file, "missing (no such file)", e);
        } catch (JacksonException e) {
            throw new RecordFileException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        for (String field : new String[]{"trainImagesPerSecond", "inferenceImagesPerSecond", "peakMemoryBytes"})
            if (json == null || !json.path(field).isNumber())
                throw new RecordFileException(file, "not a torch_bench.py result: no number \"" + field + "\"", null);
        return new BenchRecord.Measurement(
                "PyTorch " + json.path("version").asText("?") + ", " + json.path("threads").asInt() + " threads",
                json.get("trainImagesPerSecond").asDouble(), json.get("inferenceImagesPerSecond").asDouble(),
                json.get("peakMemoryBytes").asLong());
    }

    /** Jackson closes the stream it writes to; the channel must stay open until it is forced to disk. */
    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
