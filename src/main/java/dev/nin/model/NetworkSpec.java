package dev.nin.model;

import java.util.List;

/** A whole network as an ordered list of stages: the one description every part of the project reads. */
public record NetworkSpec(String name, List<Stage> stages) {
    public NetworkSpec {
        stages = List.copyOf(stages);
    }

    /** All layers in order, stages flattened. */
    public List<LayerSpec> layers() {
        return stages.stream().flatMap(s -> s.layers().stream()).toList();
    }

    public Shape outputShape(Shape in) {
        Shape s = in;
        for (Stage st : stages) s = st.outputShape(s);
        return s;
    }
}
