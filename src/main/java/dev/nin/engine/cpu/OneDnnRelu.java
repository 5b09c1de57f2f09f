package dev.nin.engine.cpu;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * ReLU's backward pass as one oneDNN eltwise primitive per size (from the ReLU's output: dx = dy where y &gt; 0):
 * one multi-threaded pass over y and dy, where libnd4j takes two (a 0/1 mask, then a product).
 */
final class OneDnnRelu {
    private final OneDnn dnn;
    private final Map<Long, Backward> backwards = new HashMap<>();

    OneDnnRelu(OneDnn dnn) {
        this.dnn = dnn;
    }

    /** dx = dy · [y &gt; 0] over n floats at these addresses; dx may be dy. */
    void backward(long y, long dy, long dx, long n) {
        backwards.computeIfAbsent(n, Backward::new).run(y, dy, dx);
    }

    private final class Backward {
        final MemorySegment primitive, y, dy, dx, arguments;

        Backward(long n) {
            MemorySegment md = dnn.memoryDesc(new long[]{n}, OneDnn.TAG_A);
            MemorySegment hint = dnn.primitiveDesc(dnn.reluForward(md), dnn.attributes(false), null);
            MemorySegment pd = dnn.primitiveDesc(dnn.reluBackward(md, md), dnn.attributes(false), hint);
            primitive = dnn.primitive(pd);
            y = dnn.memory(md);
            dy = dnn.memory(md);
            dx = dnn.memory(md);
            // no scratchpad: eltwise needs none (a user-mode scratchpad of size 0 is not passed)
            arguments = dnn.arguments(OneDnn.ARG_DST, y, OneDnn.ARG_DIFF_DST, dy, OneDnn.ARG_DIFF_SRC, dx);
        }

        void run(long yAddress, long dyAddress, long dxAddress) {
            dnn.point(y, yAddress);
            dnn.point(dy, dyAddress);
            dnn.point(dx, dxAddress);
            dnn.execute(primitive, arguments);
        }
    }
}
