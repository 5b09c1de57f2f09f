package dev.nin.engine.gpu;

import java.lang.foreign.MemorySegment;

/**
 * Everything cuDNN needs for one convolution shape, made once and cached: descriptors of x, w, y and the
 * bias, one convolution descriptor per direction (each keeps the math type of the algorithm found for it),
 * and the algorithms cuDNN's search chose. An algorithm is -1 until its direction is first used.
 */
final class ConvPlan {
    /** The shape of a convolution: input (n, c, h, w), o filters of k×k, stride, padding. */
    record Key(int n, int c, int h, int w, int o, int k, int stride, int pad) {
        int outH() {
            return (h + 2 * pad - k) / stride + 1;
        }

        int outW() {
            return (w + 2 * pad - k) / stride + 1;
        }

        @Override
        public String toString() {
            return "[" + n + ", " + c + ", " + h + ", " + w + "] * " + o + "x" + c + "x" + k + "x" + k + " /" + stride + " pad " + pad;
        }
    }

    enum Fusion { UNDECIDED, FUSED, UNFUSED }

    final Key key;
    final MemorySegment x, y, w, bias;
    final MemorySegment[] conv = new MemorySegment[3];  // indexed by Cudnn.Direction.ordinal()
    final int[] algo = {-1, -1, -1};
    final long[] workspace = new long[3];
    Fusion fusion = Fusion.UNDECIDED;

    ConvPlan(Key key, Cudnn cudnn, int mathType) {
        this.key = key;
        x = cudnn.tensor(key.n, key.c, key.h, key.w);
        y = cudnn.tensor(key.n, key.o, key.outH(), key.outW());
        w = cudnn.filter(key.o, key.c, key.k, key.k);
        bias = cudnn.tensor(1, key.o, 1, 1);
        for (int d = 0; d < 3; d++) conv[d] = cudnn.convolution(key.pad, key.stride, mathType);
    }

    void destroy(Cudnn cudnn) {
        cudnn.destroyTensor(x);
        cudnn.destroyTensor(y);
        cudnn.destroyFilter(w);
        cudnn.destroyTensor(bias);
        for (MemorySegment c : conv) cudnn.destroyConvolution(c);
    }
}
