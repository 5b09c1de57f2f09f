package dev.nin.train.record;

import java.util.List;
import java.util.Map;

/**
 * What {@code scripts/torch_saved_tensors.py} measured: the bytes PyTorch's autograd saved for the backward
 * pass of the chapter's NiN at one batch size and resize, counted once per array, parameters apart.
 */
public record SavedTensorsRecord(String kind, String library, String network, int batchSize, int resize, int hookCalls,
                                 long savedActivationBytes, int savedActivationArrays, long savedParameterBytes,
                                 long parameterBytes, List<Map<String, Object>> saved, Map<String, String> provenance) {

    public static final String KIND = "saved-tensors";
}
