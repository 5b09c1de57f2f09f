package dev.nin.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nin.model.Shape;
import dev.nin.train.record.AtomicFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (Hugging Face's, read by PyTorch's {@code safetensors.torch.load_file}): an 8-byte
 * little-endian header length, a JSON header {@code {name: {dtype, shape, data_offsets}, "__metadata__": {...}}},
 * then every tensor's raw little-endian bytes, offsets counted from the end of the header.
 *
 * <p>Written here rather than taken from a library: Maven Central has no small maintained Java reader for it
 * (DJL's reads it only into an engine's NDArrays, which would bring an engine onto the GPU path's class path),
 * and the format is one JSON header, which Jackson, already on the class path, reads. Only float32 (F32)
 * tensors: the engine computes in float32, and a file in another dtype is refused, naming the tensor.
 */
public final class Safetensors {
    /** The Rust reference implementation's limit: a larger header is refused before it is read. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    /** A float32 tensor by value: its shape and its elements, row-major. */
    public record Array(Shape shape, float[] values) {
        public Array {
            if (values.length != shape.size()) throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + values.length);
        }
    }

    /** A file that cannot be used; the message names the file, and the tensor when one is at fault. */
    public static final class BrokenException extends IOException {
        BrokenException(Path file, String problem) {
            super("weights " + file + " are unusable: " + problem);
        }
    }

    /** Writes the tensors in the given order, with string metadata, atomically ({@link AtomicFile}). */
    public static void write(Path file, Map<String, Array> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) header.set("__metadata__", JSON.valueToTree(metadata));
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long bytes = 4L * e.getValue().values().length;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (int d : e.getValue().shape().dims()) shape.add(d);
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;  // the format pads the header with spaces so the data starts 8-aligned
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFile.write(file, (out, channel) -> {
            while (head.hasRemaining()) channel.write(head);
            for (Array a : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * a.values().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(a.values());
                while (data.hasRemaining()) channel.write(data);
            }
        });
    }

    /** Every tensor of the file, in the header's order. */
    public static Map<String, Array> read(Path file) throws IOException {
        return new Reader(file).tensors();
    }

    /** The file's string metadata ({@code __metadata__}), empty when it has none. */
    public static Map<String, String> metadata(Path file) throws IOException {
        return new Reader(file).metadata;
    }

    /**
     * Exactly the tensors {@code expected} names, with those shapes; anything else (a missing or extra tensor,
     * another shape) is refused with a message naming the tensor, before any data is used.
     */
    public static Map<String, float[]> read(Path file, Map<String, Shape> expected) throws IOException {
        Reader r = new Reader(file);
        List<String> missing = new ArrayList<>(), extra = new ArrayList<>();
        for (String name : expected.keySet()) if (!r.entries.containsKey(name)) missing.add(name);
        for (String name : r.entries.keySet()) if (!expected.containsKey(name)) extra.add(name);
        if (!missing.isEmpty()) {
            throw new BrokenException(file, (missing.size() == 1 ? "tensor " : "tensors ") + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " missing" + (extra.isEmpty() ? "" : " (it has " + String.join(", ", extra) + " instead)"));
        }
        if (!extra.isEmpty()) {
            throw new BrokenException(file, (extra.size() == 1 ? "tensor " : "tensors ") + String.join(", ", extra)
                    + (extra.size() == 1 ? " is not a parameter" : " are not parameters") + " of this network (its parameters are "
                    + expected.keySet().iterator().next() + " ... " + new ArrayList<>(expected.keySet()).getLast() + ")");
        }
        for (var e : expected.entrySet()) {
            Shape found = r.entries.get(e.getKey()).shape;
            if (!found.equals(e.getValue())) {
                throw new BrokenException(file, "tensor " + e.getKey() + " has shape " + found + ", the network needs " + e.getValue());
            }
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String name : expected.keySet()) values.put(name, r.values(name));
        return values;
    }

    private record Entry(Shape shape, long begin, long end) {
    }

    /** The header, checked whole (dtypes, shapes, offsets against the file's length) before any tensor is read. */
    private static final class Reader {
        private final Path file;
        private final ByteBuffer data;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, String> metadata = new TreeMap<>();

        Reader(Path file) throws IOException {
            this.file = file;
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(file.toString(), null, Files.isDirectory(file) ? "is a directory, not a weights file" : "no such weights file");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < 8) throw new BrokenException(file, "it has " + bytes.length + " bytes, fewer than the 8 of a safetensors header length (truncated, or not safetensors)");
            ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long headerBytes = all.getLong(0);
            if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES) {
                throw new BrokenException(file, "its first 8 bytes give a header of " + Long.toUnsignedString(headerBytes) + " bytes (not safetensors)");
            }
            if (headerBytes > bytes.length - 8) {
                throw new BrokenException(file, "its header needs " + headerBytes + " bytes but only " + (bytes.length - 8) + " follow (truncated)");
            }
            JsonNode header;
            try {
                header = JSON.readTree(new String(bytes, 8, (int) headerBytes, StandardCharsets.UTF_8));
            } catch (JacksonException e) {
                throw new BrokenException(file, "its header is not JSON (not safetensors): " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) throw new BrokenException(file, "its header is not a JSON object (not safetensors)");
            data = all.slice(8 + (int) headerBytes, bytes.length - 8 - (int) headerBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                } else {
                    entries.put(e.getKey(), entry(e.getKey(), e.getValue()));
                }
            }
        }

        private Entry entry(String name, JsonNode t) throws BrokenException {
            String dtype = t.path("dtype").asText("");
            if (!dtype.equals("F32")) {
                throw new BrokenException(file, "tensor " + name + " is " + (dtype.isEmpty() ? "without a dtype" : dtype)
                        + ", this program reads F32 (in PyTorch: save {k: v.float() for k, v in state_dict.items()})");
            }
            JsonNode shapeNode = t.path("shape"), offsets = t.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new BrokenException(file, "tensor " + name + " has no shape or data_offsets in the header");
            }
            int[] dims = new int[shapeNode.size()];
            long elements = 1;
            for (int i = 0; i < dims.length; i++) {
                if (!shapeNode.get(i).canConvertToInt() || shapeNode.get(i).asInt() <= 0) {
                    throw new BrokenException(file, "tensor " + name + " has the impossible shape " + shapeNode);
                }
                dims[i] = shapeNode.get(i).asInt();
                elements *= dims[i];
            }
            if (dims.length == 0) throw new BrokenException(file, "tensor " + name + " is a scalar; parameters have at least one dimension");
            long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
            if (begin < 0 || end != begin + 4 * elements) {
                throw new BrokenException(file, "tensor " + name + " has data_offsets " + offsets + ", which do not hold its " + elements + " floats");
            }
            if (end > data.capacity()) {
                throw new BrokenException(file, "tensor " + name + "'s data ends at byte " + end + " of the data, but the file holds only "
                        + data.capacity() + " bytes of data (truncated)");
            }
            return new Entry(Shape.of(dims), begin, end);
        }

        float[] values(String name) {
            Entry e = entries.get(name);
            float[] v = new float[(int) ((e.end - e.begin) / 4)];
            data.slice((int) e.begin, (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        Map<String, Array> tensors() {
            Map<String, Array> all = new LinkedHashMap<>();
            for (var e : entries.entrySet()) all.put(e.getKey(), new Array(e.getValue().shape, values(e.getKey())));
            return all;
        }
    }
}
