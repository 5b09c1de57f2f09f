"""PyTorch's side of OpProfile: the same NiN layers, each op timed alone (wall and this thread's CPU time).

Run with Debian's python3-torch: /usr/bin/python3 scripts/torch_op_profile.py 96 128 3 [threads]
"""
import sys
import time

import torch
import torch.nn.functional as F

size, batch, repeats = (int(a) for a in sys.argv[1:4])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
torch.set_num_threads(threads)
torch.manual_seed(1)

layers = []  # (kind, args)
def block(i, o, k, s, p):
    layers.extend([("conv", (i, o, k, s, p)), ("relu", ()), ("conv", (o, o, 1, 1, 0)), ("relu", ()),
                   ("conv", (o, o, 1, 1, 0)), ("relu", ())])
block(1, 96, 11, 4, 0); layers.append(("pool", ()))
block(96, 256, 5, 1, 2); layers.append(("pool", ()))
block(256, 384, 3, 1, 1); layers.append(("pool", ())); layers.append(("dropout", ()))
block(384, 10, 3, 1, 1); layers.append(("gap", ()))

times = {}
def timed(name, fn):
    w, c = time.perf_counter(), time.thread_time()
    out = fn()
    times.setdefault(name, []).append(((time.perf_counter() - w) * 1e3, (time.thread_time() - c) * 1e3))
    return out

params = {}
for rep in range(repeats + 1):
    x = torch.randn(batch, 1, size, size)
    acts = []
    for i, (kind, a) in enumerate(layers):
        xin = x.detach().requires_grad_(i > 0)
        if kind == "conv":
            if i not in params:
                w = torch.empty(a[1], a[0], a[2], a[2]); torch.nn.init.xavier_uniform_(w)
                params[i] = (w.requires_grad_(), torch.zeros(a[1], requires_grad=True))
            w, b = params[i]
            y = timed(f"{i:02d} conv {a[0]}->{a[1]} k{a[2]}/{a[3]} {x.shape[2]}x{x.shape[3]} fwd", lambda: F.conv2d(xin, w, b, a[3], a[4]))
        elif kind == "relu":
            y = timed(f"{i:02d} relu {x.shape[2]}x{x.shape[3]} fwd", lambda: F.relu(xin))
        elif kind == "pool":
            y = timed(f"{i:02d} pool {x.shape[2]}x{x.shape[3]} fwd", lambda: F.max_pool2d(xin, 3, 2))
        elif kind == "dropout":
            y = timed(f"{i:02d} dropout fwd", lambda: F.dropout(xin, 0.5, True))
        else:
            y = timed(f"{i:02d} gap fwd", lambda: F.adaptive_avg_pool2d(xin, 1))
        acts.append((xin, y))
        x = y
    g = torch.randn_like(x) * 0.01
    for i in reversed(range(len(layers))):
        xin, y = acts[i]
        kind = layers[i][0]
        inputs = [xin] if i > 0 else []
        if kind == "conv":
            inputs += list(params[i])
        grads = timed(f"{i:02d} {kind} bwd", lambda: torch.autograd.grad(y, inputs, g))
        g = grads[0] if i > 0 else None

print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, NiN {batch}x1x{size}x{size}, medians of {repeats}")
tw = tc = 0
for name, v in times.items():
    v = v[1:]
    mw = sorted(t[0] for t in v)[len(v) // 2]
    mc = sorted(t[1] for t in v)[len(v) // 2]
    tw += mw; tc += mc
    print(f"{name:48s} {mw:9.1f} {mc:9.1f}")
print(f"{'sum of op medians':48s} {tw:9.1f} {tc:9.1f}  ({batch * 1000 / tc:.1f} images/s by cpu time)")
