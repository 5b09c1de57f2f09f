package dev.nin.engine.cpu;

import dev.nin.model.Shape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NiN's convolutions as oneDNN primitives called directly ({@link OneDnn}): for each shape, the forward
 * convolution (with its bias and, fused into it, the ReLU that follows), and the backward convolutions for the
 * data and for the weights and bias, each created once and reused at every step.
 *
 * <p>The tensors stay row-major NCHW and OIHW, the contract of every backend. oneDNN picks the memory layout its
 * fastest kernel wants (for NiN's channel counts, channels in blocks of 16); each call copies its operands into
 * that layout and its result back (a "reorder"), through buffers shared by every convolution, since only one runs
 * at a time. This is what PyTorch's CPU convolution does too; what we save is libnd4j's work around each call
 * (creating the primitive anew, its own reorders, the bias and ReLU as separate passes over the output).
 */
final class OneDnnConvolutions {
    private final OneDnn dnn;
    private final Map<Key, Forward> forwards = new HashMap<>();
    private final Map<Key, Backward> backwards = new HashMap<>();
    private final Workspace workspace = new Workspace();

    /** A convolution's geometry: input and weight shapes, stride, padding; with or without the fused ReLU / dx. */
    private record Key(List<Integer> x, List<Integer> w, int stride, int padding, boolean flag) {
        Key(Shape x, Shape w, int stride, int padding, boolean flag) {
            this(dims(x), dims(w), stride, padding, flag);
        }

        private static List<Integer> dims(Shape s) {
            return Arrays.stream(s.dims()).boxed().toList();
        }
    }

    OneDnnConvolutions(OneDnn dnn) {
        this.dnn = dnn;
    }

    /**
     * y = conv(x, w) + b, then max(0, ·) when relu; addresses of row-major float arrays. Big batches go a slice of
     * images at a time ({@link Nd4jBackend#imagesPerCall}), which keeps the layout copies small.
     */
    void forward(long x, Shape xs, long w, Shape wshape, long b, int stride, int padding, boolean relu, long y, Shape ys) {
        int n = xs.dim(0), step = Nd4jBackend.imagesPerCall(xs, ys);
        for (int from = 0; from < n; from += step) {
            int m = Math.min(step, n - from);
            Shape sx = xs.withBatch(m), sy = ys.withBatch(m);
            forwards.computeIfAbsent(new Key(sx, wshape, stride, padding, relu), k -> new Forward(sx, wshape, sy, stride, padding, relu))
                    .run(image(x, xs, from), w, b, image(y, ys, from));
        }
    }

    /**
     * dw, db and (when dx is not 0) dx of a convolution, from its input x, weights w and output gradient dy; a slice
     * of images at a time for big batches, the slices' weight and bias gradients added up.
     */
    void backward(long x, Shape xs, long w, Shape wshape, long dy, Shape dys, int stride, int padding, long dx, long dw, long db) {
        int n = xs.dim(0), step = Nd4jBackend.imagesPerCall(xs, dys);
        long wBytes = wshape.size() * Float.BYTES, bBytes = (long) wshape.dim(0) * Float.BYTES;
        if (step < n) {
            workspace.reserve(Slot.SUM_WEIGHTS, wBytes);
            workspace.reserve(Slot.SUM_BIAS, bBytes);
        }
        for (int from = 0; from < n; from += step) {
            int m = Math.min(step, n - from);
            Shape sx = xs.withBatch(m), sdy = dys.withBatch(m);
            Backward plan = backwards.computeIfAbsent(new Key(sx, wshape, stride, padding, dx != 0),
                    k -> new Backward(sx, wshape, sdy, stride, padding, dx != 0));
            boolean first = from == 0;
            plan.run(image(x, xs, from), w, image(dy, dys, from), dx == 0 ? 0 : image(dx, xs, from),
                    first ? dw : workspace.address(Slot.SUM_WEIGHTS), first ? db : workspace.address(Slot.SUM_BIAS));
            if (!first) {
                add(workspace.segment(Slot.SUM_WEIGHTS), dw, wshape.size());
                add(workspace.segment(Slot.SUM_BIAS), db, wshape.dim(0));
            }
        }
    }

    /** The address of image i of a row-major batch. */
    private static long image(long address, Shape batch, int i) {
        return address + (long) i * (batch.size() / batch.dim(0)) * Float.BYTES;
    }

    /** to[0..n) += from[0..n), floats. */
    private static void add(MemorySegment from, long to, long n) {
        MemorySegment sum = MemorySegment.ofAddress(to).reinterpret(n * Float.BYTES);
        for (long i = 0; i < n; i++) {
            long o = i * Float.BYTES;
            sum.set(ValueLayout.JAVA_FLOAT, o, sum.get(ValueLayout.JAVA_FLOAT, o) + from.get(ValueLayout.JAVA_FLOAT, o));
        }
    }

    private static long[] dims(Shape s) {
        return Arrays.stream(s.dims()).asLongStream().toArray();
    }

    /** The workspace's buffers: one per role, each as large as the largest convolution needs. */
    private enum Slot { SRC, DST, WEIGHTS, DIFF_DST, DIFF_DST_FOR_WEIGHTS, DIFF_WEIGHTS, SCRATCHPAD, SUM_WEIGHTS, SUM_BIAS }

    /** Native buffers shared by every convolution, grown (never shrunk) to the largest request. */
    private static final class Workspace {
        private final Map<Slot, Arena> arenas = new HashMap<>();
        private final Map<Slot, MemorySegment> buffers = new HashMap<>();

        void reserve(Slot slot, long bytes) {
            MemorySegment b = buffers.get(slot);
            if (b != null && b.byteSize() >= bytes) return;
            Arena old = arenas.remove(slot);
            if (old != null) old.close();
            Arena arena = Arena.ofShared();
            arenas.put(slot, arena);
            buffers.put(slot, arena.allocate(Math.max(bytes, 64), 64));
        }

        long address(Slot slot) {
            return buffers.get(slot).address();
        }

        MemorySegment segment(Slot slot) {
            return buffers.get(slot);
        }
    }

    /**
     * One operand between the user's layout and the primitive's: a reorder into (or out of) a workspace slot when
     * the two differ, nothing when they are the same.
     */
    private final class Operand {
        final MemorySegment memory;          // the primitive's view of the operand
        private final MemorySegment wanted;  // the layout the primitive wants
        private final Slot slot;
        private final MemorySegment reorder, from, to, arguments;
        private final boolean into;          // user → primitive (input) or primitive → user (output)
        private final Operand copied;        // an input already brought into this layout by another operand, or null

        Operand(MemorySegment user, MemorySegment wanted, Slot slot, boolean into) {
            this(user, wanted, slot, into, null);
        }

        /** An input that reuses {@code copied}'s copy when both want the same layout (dy for both backward passes). */
        Operand(MemorySegment user, MemorySegment wanted, Slot slot, Operand copied) {
            this(user, wanted, slot, true, copied != null && copied.into && dnn.same(wanted, copied.wanted) ? copied : null);
        }

        private Operand(MemorySegment user, MemorySegment wanted, Slot slot, boolean into, Operand copied) {
            this.memory = dnn.memory(wanted);
            this.wanted = wanted;
            this.into = into;
            this.copied = copied;
            if (copied != null || dnn.same(user, wanted)) {
                this.slot = null;
                reorder = from = to = arguments = null;
            } else {
                this.slot = slot;
                workspace.reserve(slot, dnn.bytes(wanted));
                from = dnn.memory(into ? user : wanted);
                to = dnn.memory(into ? wanted : user);
                reorder = dnn.primitive(dnn.reorderDesc(into ? user : wanted, into ? wanted : user));
                arguments = dnn.arguments(OneDnn.ARG_FROM, from, OneDnn.ARG_TO, to);
            }
        }

        /** Before the primitive: points it at the user's data, or at a copy in its layout. */
        void before(long user) {
            if (copied != null) {
                dnn.point(memory, copied.reorder == null ? user : workspace.address(copied.slot));
                return;
            }
            if (reorder == null) {
                dnn.point(memory, user);
                return;
            }
            long copy = workspace.address(slot);
            dnn.point(memory, copy);
            if (into) {
                dnn.point(from, user);
                dnn.point(to, copy);
                dnn.execute(reorder, arguments);
            }
        }

        /** After the primitive: copies an output in the primitive's layout back to the user's. */
        void after(long user) {
            if (reorder == null || into) return;
            dnn.point(from, workspace.address(slot));
            dnn.point(to, user);
            dnn.execute(reorder, arguments);
        }
    }

    private MemorySegment scratchpad(MemorySegment... pds) {
        long bytes = 0;
        for (MemorySegment pd : pds) if (pd != null) bytes = Math.max(bytes, dnn.bytes(dnn.query(pd, OneDnn.QUERY_SCRATCHPAD)));
        workspace.reserve(Slot.SCRATCHPAD, bytes);
        return dnn.memory(dnn.memoryDesc(new long[]{Math.max(1, bytes / 4)}, OneDnn.TAG_A));
    }

    private MemorySegment forwardDesc(Shape xs, Shape ws, Shape ys, int stride, int padding) {
        long[] o = {ws.dim(0)};
        return dnn.convolutionForward(dnn.memoryDesc(dims(xs), OneDnn.TAG_ANY), dnn.memoryDesc(dims(ws), OneDnn.TAG_ANY),
                dnn.memoryDesc(o, OneDnn.TAG_A), dnn.memoryDesc(dims(ys), OneDnn.TAG_ANY), stride, padding);
    }

    private final class Forward {
        final MemorySegment pd, primitive, arguments, bias, pad;
        final Operand src, weights, dst;

        Forward(Shape xs, Shape ws, Shape ys, int stride, int padding, boolean relu) {
            pd = dnn.primitiveDesc(forwardDesc(xs, ws, ys, stride, padding), dnn.attributes(relu), null);
            src = new Operand(dnn.memoryDesc(dims(xs), OneDnn.TAG_ABCD), dnn.query(pd, OneDnn.QUERY_SRC), Slot.SRC, true);
            weights = new Operand(dnn.memoryDesc(dims(ws), OneDnn.TAG_ABCD), dnn.query(pd, OneDnn.QUERY_WEIGHTS), Slot.WEIGHTS, true);
            dst = new Operand(dnn.memoryDesc(dims(ys), OneDnn.TAG_ABCD), dnn.query(pd, OneDnn.QUERY_DST), Slot.DST, false);
            bias = dnn.memory(dnn.memoryDesc(new long[]{ws.dim(0)}, OneDnn.TAG_A));
            pad = scratchpad(pd);
            primitive = dnn.primitive(pd);
            arguments = dnn.arguments(OneDnn.ARG_SRC, src.memory, OneDnn.ARG_WEIGHTS, weights.memory, OneDnn.ARG_BIAS, bias,
                    OneDnn.ARG_DST, dst.memory, OneDnn.ARG_SCRATCHPAD, pad);
        }

        void run(long x, long w, long b, long y) {
            src.before(x);
            weights.before(w);
            dst.before(y);
            dnn.point(bias, b);
            dnn.point(pad, workspace.address(Slot.SCRATCHPAD));
            dnn.execute(primitive, arguments);
            dst.after(y);
        }
    }

    private final class Backward {
        final MemorySegment dataPd, weightsPd, dataPrimitive, weightsPrimitive, dataArguments, weightsArguments, diffBias, pad;
        final Operand dyForData, weightsForData, dxOut, xForWeights, dyForWeights, dwOut;

        Backward(Shape xs, Shape ws, Shape dys, int stride, int padding, boolean wantDx) {
            MemorySegment hint = dnn.primitiveDesc(forwardDesc(xs, ws, dys, stride, padding), dnn.attributes(false), null);
            MemorySegment userX = dnn.memoryDesc(dims(xs), OneDnn.TAG_ABCD), userW = dnn.memoryDesc(dims(ws), OneDnn.TAG_ABCD),
                    userDy = dnn.memoryDesc(dims(dys), OneDnn.TAG_ABCD);
            weightsPd = dnn.primitiveDesc(dnn.convolutionBackwardWeights(dnn.memoryDesc(dims(xs), OneDnn.TAG_ANY),
                    dnn.memoryDesc(dims(ws), OneDnn.TAG_ANY), dnn.memoryDesc(new long[]{ws.dim(0)}, OneDnn.TAG_A),
                    dnn.memoryDesc(dims(dys), OneDnn.TAG_ANY), stride, padding), dnn.attributes(false), hint);
            xForWeights = new Operand(userX, dnn.query(weightsPd, OneDnn.QUERY_SRC), Slot.SRC, true);
            dyForWeights = new Operand(userDy, dnn.query(weightsPd, OneDnn.QUERY_DIFF_DST), Slot.DIFF_DST_FOR_WEIGHTS, true);
            dwOut = new Operand(userW, dnn.query(weightsPd, OneDnn.QUERY_DIFF_WEIGHTS), Slot.DIFF_WEIGHTS, false);
            diffBias = dnn.memory(dnn.memoryDesc(new long[]{ws.dim(0)}, OneDnn.TAG_A));
            if (wantDx) {
                dataPd = dnn.primitiveDesc(dnn.convolutionBackwardData(dnn.memoryDesc(dims(xs), OneDnn.TAG_ANY),
                        dnn.memoryDesc(dims(ws), OneDnn.TAG_ANY), dnn.memoryDesc(dims(dys), OneDnn.TAG_ANY), stride, padding),
                        dnn.attributes(false), hint);
                dyForData = new Operand(userDy, dnn.query(dataPd, OneDnn.QUERY_DIFF_DST), Slot.DIFF_DST, dyForWeights);
                weightsForData = new Operand(userW, dnn.query(dataPd, OneDnn.QUERY_WEIGHTS), Slot.WEIGHTS, true);
                dxOut = new Operand(userX, dnn.query(dataPd, OneDnn.QUERY_DIFF_SRC), Slot.DST, false);
                dataPrimitive = dnn.primitive(dataPd);
            } else {
                dataPd = dataPrimitive = null;
                dyForData = weightsForData = dxOut = null;
            }
            pad = scratchpad(weightsPd, dataPd);
            weightsPrimitive = dnn.primitive(weightsPd);
            weightsArguments = dnn.arguments(OneDnn.ARG_SRC, xForWeights.memory, OneDnn.ARG_DIFF_DST, dyForWeights.memory,
                    OneDnn.ARG_DIFF_WEIGHTS, dwOut.memory, OneDnn.ARG_DIFF_BIAS, diffBias, OneDnn.ARG_SCRATCHPAD, pad);
            dataArguments = wantDx ? dnn.arguments(OneDnn.ARG_DIFF_DST, dyForData.memory, OneDnn.ARG_WEIGHTS, weightsForData.memory,
                    OneDnn.ARG_DIFF_SRC, dxOut.memory, OneDnn.ARG_SCRATCHPAD, pad) : null;
        }

        /** The weights' gradient first: it reads x, which dx may be written over (see Conv2d.gradientFitsOverOutput). */
        void run(long x, long w, long dy, long dx, long dw, long db) {
            xForWeights.before(x);
            dyForWeights.before(dy);
            dwOut.before(dw);
            dnn.point(diffBias, db);
            dnn.point(pad, workspace.address(Slot.SCRATCHPAD));
            dnn.execute(weightsPrimitive, weightsArguments);
            dwOut.after(dw);
            if (dataPrimitive == null) return;
            dyForData.before(dy);
            weightsForData.before(w);
            dxOut.before(dx);
            dnn.execute(dataPrimitive, dataArguments);
            dxOut.after(dx);
        }
    }
}
