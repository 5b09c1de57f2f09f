// The small kernels of the GPU backend: every operation that no cuDNN call fits, or where the
// reference's exact semantics (first maximum, counter-based dropout mask, half-pixel resize) matter.
// Compiled at run time by NVRTC with --fmad=false, so each float operation rounds exactly as Java's does.
// Every kernel uses a grid-stride loop over 64-bit indices, launched with 256 threads per block.

typedef long long i64;
typedef unsigned long long u64;

#define GRID_STRIDE(i, n) for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

extern "C" __global__ void fill(float* p, float v, i64 n) {
    GRID_STRIDE(i, n) p[i] = v;
}

// Java's Math.max(0f, v): NaN stays NaN, -0 becomes +0.
__device__ __forceinline__ float relu1(float v) {
    return (v > 0.0f || v != v) ? v : 0.0f;
}

extern "C" __global__ void relu(const float* x, float* y, i64 n) {
    GRID_STRIDE(i, n) y[i] = relu1(x[i]);
}

extern "C" __global__ void relu_backward(const float* y, const float* dy, float* dx, i64 n) {
    GRID_STRIDE(i, n) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

// y[n, c, h, w] += b[c], then ReLU when relu != 0 (the unfused tail of a convolution).
extern "C" __global__ void bias_act(float* y, const float* b, int channels, i64 hw, i64 n, int relu) {
    GRID_STRIDE(i, n) {
        float v = y[i] + b[(i / hw) % channels];
        y[i] = relu ? relu1(v) : v;
    }
}

// Index (within one n*c plane) of the first maximum of a window in row-major order, as the reference.
__device__ __forceinline__ int window_argmax(const float* plane, int w, int y0, int x0, int k) {
    int best = y0 * w + x0;
    for (int p = 0; p < k; p++)
        for (int q = 0; q < k; q++) {
            int idx = (y0 + p) * w + x0 + q;
            if (plane[idx] > plane[best]) best = idx;
        }
    return best;
}

extern "C" __global__ void maxpool_forward(const float* x, float* y, i64 nc, int h, int w, int oh, int ow, int k, int s) {
    GRID_STRIDE(i, nc * oh * ow) {
        i64 m = i / ((i64)oh * ow);
        int r = (int)(i % ((i64)oh * ow));
        int oy = r / ow, ox = r % ow;
        const float* plane = x + m * h * w;
        y[i] = plane[window_argmax(plane, w, oy * s, ox * s, k)];
    }
}

// tag::maxpool-backward[]
// Whether r (an index within one n*c plane) is the first maximum of the window at (y0, x0), given that
// window's maximum m from the forward pass: the reference's argmax keeps the first element unless a later
// one is strictly greater, so (m not NaN) r is it exactly when x[r] == m and no earlier element equals m.
// A NaN maximum (only possible as the window's first element) falls back to the full search.
__device__ __forceinline__ bool first_maximum(const float* plane, int w, int y0, int x0, int k, int r, float m) {
    if (m != m) return window_argmax(plane, w, y0, x0, k) == r;
    if (!(plane[r] == m)) return false;
    for (int p = 0; p < k; p++)
        for (int q = 0; q < k; q++) {
            int idx = (y0 + p) * w + x0 + q;
            if (idx == r) return true;
            if (plane[idx] == m) return false;
        }
    return false;
}

// One thread per input element gathers dy from every window whose first maximum it is, in the
// reference's window order (so even the float sums agree bit for bit); no atomics. The forward pass's
// maxima y spare a search of each window: most elements are ruled out by one comparison. With relu_mask the
// ReLU whose output x is gets its backward in the same pass (dx = 0 where x is not positive).
extern "C" __global__ void maxpool_backward(const float* x, const float* y, const float* dy, float* dx, i64 nc, int h, int w, int oh, int ow, int k, int s, int relu_mask) {
    GRID_STRIDE(i, nc * h * w) {
        i64 m = i / ((i64)h * w);
        int r = (int)(i % ((i64)h * w));
        int iy = r / w, ix = r % w;
        const float* plane = x + m * h * w;
        const float* ym = y + m * oh * ow;
        const float* g = dy + m * oh * ow;
        int y_lo = iy < k ? 0 : (iy - k) / s + 1, y_hi = min(iy / s, oh - 1);
        int x_lo = ix < k ? 0 : (ix - k) / s + 1, x_hi = min(ix / s, ow - 1);
        float acc = 0.0f;
        for (int oy = y_lo; oy <= y_hi; oy++)
            for (int ox = x_lo; ox <= x_hi; ox++)
                if (first_maximum(plane, w, oy * s, ox * s, k, r, ym[oy * ow + ox])) acc += g[oy * ow + ox];
        dx[i] = relu_mask && !(plane[r] > 0.0f) ? 0.0f : acc;
    }
}
// end::maxpool-backward[]

// tag::dropout-kernel[]
// DropoutMask.mix / uniform / value with the same 64-bit unsigned arithmetic (Java's long wraps the same way).
__device__ __forceinline__ u64 mix64(u64 z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

extern "C" __global__ void dropout(const float* x, float* mask, float* y, i64 n, u64 seed, float p) {
    float keep = 1.0f / (1.0f - p);
    GRID_STRIDE(i, n) {
        float u = (float)(mix64(seed + ((u64)i + 1ULL) * 0x9E3779B97F4A7C15ULL) >> 40) * 5.9604644775390625e-8f;
        float m = u >= p ? keep : 0.0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }
}
// end::dropout-kernel[]

extern "C" __global__ void multiply(const float* a, const float* b, float* out, i64 n) {
    GRID_STRIDE(i, n) out[i] = a[i] * b[i];
}

extern "C" __global__ void gap_forward(const float* x, float* y, i64 nc, int hw) {
    GRID_STRIDE(m, nc) {
        double s = 0.0;
        const float* row = x + m * hw;
        for (int i = 0; i < hw; i++) s += (double)row[i];
        y[m] = (float)(s / hw);
    }
}

extern "C" __global__ void gap_backward(const float* dy, float* dx, i64 nc, int hw) {
    GRID_STRIDE(i, nc * hw) dx[i] = dy[i / hw] / (float)hw;
}

// Adds the block's threads' values in a fixed-order tree (deterministic, no atomics); thread 0 writes the sum.
__device__ __forceinline__ void block_sum(double s, double* out) {
    __shared__ double sh[256];
    sh[threadIdx.x] = s;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) sh[threadIdx.x] += sh[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) *out = sh[0];
}

// A convolution's bias gradient, db[c] = the sum of dy[., c, ., .], in two passes (cuDNN's own took a
// quarter of a millisecond for 96 channels of 54x54 at batch 128, where reading dy once takes a tenth of that):
// block b adds part b % parts of channel b / parts in double, then one thread per channel adds its parts in order.
extern "C" __global__ void bias_grad_partial(const float* dy, int channels, i64 hw, i64 per_channel, int parts, double* partial) {
    int c = blockIdx.x / parts, part = blockIdx.x % parts;
    double s = 0.0;
    for (i64 e = (i64)part * blockDim.x + threadIdx.x; e < per_channel; e += (i64)parts * blockDim.x) {
        i64 n = e / hw;
        s += (double)dy[(n * channels + c) * hw + e % hw];
    }
    block_sum(s, partial + blockIdx.x);
}

extern "C" __global__ void bias_grad_final(const double* partial, int channels, int parts, float* db) {
    GRID_STRIDE(c, channels) {
        double s = 0.0;
        for (int p = 0; p < parts; p++) s += partial[c * parts + p];
        db[c] = (float)s;
    }
}

// Softmax cross-entropy over n rows of k logits in ONE block of 256 threads: each thread takes rows
// i, i+256, ...; double precision as the reference; a fixed-order tree reduction adds the batch's loss
// and correct count to stats once (deterministic, no atomics).
extern "C" __global__ void softmax_xent(const float* z, const float* labels, float* dz, float* stats, int n, int k) {
    __shared__ double loss_sh[256];
    __shared__ int correct_sh[256];
    double loss = 0.0;
    int correct = 0;
    for (int r = threadIdx.x; r < n; r += blockDim.x) {
        const float* row = z + (i64)r * k;
        int label = (int)labels[r], best = 0;
        double mx = -1.0 / 0.0;
        for (int j = 0; j < k; j++)
            if ((double)row[j] > mx) { mx = row[j]; best = j; }
        double sum = 0.0;
        for (int j = 0; j < k; j++) sum += exp((double)row[j] - mx);
        bool valid = label >= 0 && label < k;
        loss += valid ? log(sum) - ((double)row[label] - mx) : 0.0 / 0.0;
        if (best == label) correct++;
        if (dz != 0)
            for (int j = 0; j < k; j++) {
                double p = exp((double)row[j] - mx) / sum;
                dz[(i64)r * k + j] = (float)((p - (j == label ? 1.0 : 0.0)) / n);
            }
    }
    loss_sh[threadIdx.x] = loss;
    correct_sh[threadIdx.x] = correct;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            loss_sh[threadIdx.x] += loss_sh[threadIdx.x + half];
            correct_sh[threadIdx.x] += correct_sh[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        stats[0] += (float)loss_sh[0];
        stats[1] += (float)correct_sh[0];
    }
}

// w = w - lr * dw with the product rounded first, as Java evaluates W[i] -= lr * G[i].
extern "C" __global__ void sgd(float* w, const float* dw, float lr, i64 n) {
    GRID_STRIDE(i, n) w[i] = __fsub_rn(w[i], __fmul_rn(lr, dw[i]));
}

// ReferenceBackend.sgdMomentumStep: PyTorch's SGD with momentum and weight decay, every product and sum rounded
// on its own; v is null when momentum is 0 (d is then used directly).
extern "C" __global__ void sgd_momentum(float* w, const float* dw, float* v, float lr, float momentum, float weight_decay, i64 n) {
    GRID_STRIDE(i, n) {
        float d = weight_decay == 0.0f ? dw[i] : __fadd_rn(dw[i], __fmul_rn(weight_decay, w[i]));
        if (v != nullptr) {
            d = __fadd_rn(__fmul_rn(momentum, v[i]), d);
            v[i] = d;
        }
        w[i] = __fsub_rn(w[i], __fmul_rn(lr, d));
    }
}

// ReferenceBackend.resizeBilinear, operation for operation in double.
extern "C" __global__ void resize_bilinear(const float* src, float* dst, i64 nc, int h, int w, int oh, int ow) {
    GRID_STRIDE(i, nc * oh * ow) {
        i64 m = i / ((i64)oh * ow);
        int r = (int)(i % ((i64)oh * ow));
        int oy = r / ow, ox = r % ow;
        double sy = fmax(0.0, (oy + 0.5) * h / oh - 0.5);
        int y0 = min((int)sy, h - 1), y1 = min(y0 + 1, h - 1);
        double fy = sy - y0;
        double sx = fmax(0.0, (ox + 0.5) * w / ow - 0.5);
        int x0 = min((int)sx, w - 1), x1 = min(x0 + 1, w - 1);
        double fx = sx - x0;
        const float* S = src + m * h * w;
        double top = S[y0 * w + x0] * (1 - fx) + S[y0 * w + x1] * fx;
        double bottom = S[y1 * w + x0] * (1 - fx) + S[y1 * w + x1] * fx;
        dst[i] = (float)(top * (1 - fy) + bottom * fy);
    }
}

// Sum of squares in two passes: per-block partial sums in double, then one block adds them in order.
extern "C" __global__ void sumsq_partial(const float* x, i64 n, double* partial) {
    double s = 0.0;
    GRID_STRIDE(i, n) s += (double)x[i] * x[i];
    block_sum(s, partial + blockIdx.x);
}

extern "C" __global__ void sumsq_final(const double* partial, int count, double* out) {
    double s = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) s += partial[i];
    block_sum(s, out);
}
