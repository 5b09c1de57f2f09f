package dev.nin.train;

import dev.nin.model.LayerSpec;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;
import dev.nin.model.Stage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one door for weights: a network's parameters by the names of PyTorch's {@code state_dict} for d2l's
 * {@code nn.Sequential} NiN ("0.0.weight": stage 0, its layer 0), going out to and coming in from checkpoints
 * and safetensors files. Convolution weights are (out, in, kh, kw) row-major here as in PyTorch, so the
 * floats travel unchanged.
 */
public final class Weights {
    private Weights() {
    }

    // tag::names[]
    /** The name PyTorch gives layer {@code layer} of stage {@code stage} in a Sequential of Sequentials; its parameters add ".weight", ".bias". */
    static String layerName(int stage, int layer) {
        return stage + "." + layer;
    }

    /** Every parameter's name and shape in the network's order, from the description alone (no backend). */
    public static Map<String, Shape> shapes(NetworkSpec spec) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int si = 0; si < spec.stages().size(); si++) {
            Stage stage = spec.stages().get(si);
            for (int li = 0; li < stage.layers().size(); li++) {
                if (stage.layers().get(li) instanceof LayerSpec.Conv2d c) {
                    shapes.put(layerName(si, li) + ".weight", c.weightShape());
                    shapes.put(layerName(si, li) + ".bias", c.biasShape());
                }
            }
        }
        return shapes;
    }
    // end::names[]

    /** Copies the network's parameters from the backend, by name. */
    public static Map<String, float[]> of(Network network) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Parameter p : network.parameters()) {
            float[] v = new float[(int) p.value().size()];
            network.backend().download(p.value(), v);
            values.put(p.name(), v);
        }
        return values;
    }

    /** Loads parameters by name into the network; every parameter must be there with its size. */
    public static void into(Network network, Map<String, float[]> values) {
        for (Parameter p : network.parameters()) {
            float[] v = values.get(p.name());
            if (v == null || v.length != p.value().size()) {
                throw new IllegalArgumentException("the weights do not fit this network: parameter " + p.name()
                        + (v == null ? " is missing" : " has " + v.length + " values, the network needs " + p.value().size()));
            }
            network.backend().upload(v, p.value());
        }
    }

    /** Writes parameters as safetensors that PyTorch's {@code load_state_dict} takes for d2l's NiN. */
    public static void writeSafetensors(Path file, NetworkSpec spec, Map<String, float[]> values, Map<String, String> metadata) throws IOException {
        Map<String, Safetensors.Array> tensors = new LinkedHashMap<>();
        for (var e : shapes(spec).entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) throw new IllegalArgumentException("no values for parameter " + e.getKey() + " of " + spec.name());
            tensors.put(e.getKey(), new Safetensors.Array(e.getValue(), v));
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");  // what safetensors.torch.save_file writes
        Safetensors.write(file, tensors, meta);
    }

    /** Reads exactly the parameters of {@code spec} from a safetensors file, refusing any other content by name. */
    public static Map<String, float[]> readSafetensors(Path file, NetworkSpec spec) throws IOException {
        return Safetensors.read(file, shapes(spec));
    }
}
