"""PyTorch as the oracle for the Java engine: d2l's NiN, fed the weights, inputs and dropout masks the Java
tests write as safetensors, answering with its logits, loss and gradients (float32, and float64 as the exact
reference), or its loss over SGD steps. Standalone: torch 1.13 and safetensors_lite.py beside this file.

  torch_oracle.py init OUT [--seed S]                     d2l's NiN with the chapter's Xavier init, saved
  torch_oracle.py logits WEIGHTS INPUTS OUT               load_state_dict(strict), eval mode, logits of "input"
  torch_oracle.py grads CASE OUT                          logits, mean loss, every gradient of one step
  torch_oracle.py sgd CASE OUT --lr LR [--momentum M] [--weight-decay W] [--clip-norm C]
                                                          the loss of each step of SGD over CASE's batches,
                                                          and its spread under a one-ulp change of the start
  torch_oracle.py updates CASE OUT --lr LR [--momentum M] [--weight-decay W]
                                                          torch.optim.SGD's updates alone: CASE holds tensors and
                                                          "grad.NAME" (steps, ...) the gradient of each step; OUT
                                                          the tensors and momentum buffers after the last step
  torch_oracle.py train-eval DATA OUT --resize R ...      a short training run, then test accuracy (for ./nin evaluate)

CASE holds the parameters by name, "input" (N,1,R,R) or (steps,N,1,R,R), "labels" as floats, and optionally
"mask" (dropout's mask: 0 or 1/(1-p)) of the same leading shape; without a mask dropout is the identity.
For float32 results f32.X, OUT also holds err32.X = (float32 result - float64 result), stored as float32.
"""
import argparse, gzip, json, os, sys

import torch
from torch import nn
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_lite import load_file, save_file  # noqa: E402

torch.set_num_threads(int(os.environ.get("NIN_TORCH_THREADS", "2")))


def nin_block(i, o, k, s, p):
    return nn.Sequential(nn.Conv2d(i, o, k, s, p), nn.ReLU(), nn.Conv2d(o, o, 1), nn.ReLU(), nn.Conv2d(o, o, 1), nn.ReLU())


# tag::mask[]
class Mask(nn.Module):
    """Dropout with a given mask: the Java engine's, so both sides drop the same elements."""
    mask = None

    def forward(self, x):
        return x if self.mask is None else x * self.mask
# end::mask[]


def nin():  # d2l's NiN, with dropout (index 6) replaceable by a given mask
    return nn.Sequential(
        nin_block(1, 96, 11, 4, 0), nn.MaxPool2d(3, 2),
        nin_block(96, 256, 5, 1, 2), nn.MaxPool2d(3, 2),
        nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, 2), nn.Dropout(0.5),
        nin_block(384, 10, 3, 1, 1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())


def loaded(case, dtype):
    net = nin()
    net.load_state_dict({k: v for k, v in case.items() if k[0].isdigit()}, strict=True)  # strict: same names and shapes
    net[6] = Mask()
    return net.to(dtype)


def step(net, x, y, mask):
    net[6].mask = mask
    net.zero_grad(set_to_none=True)
    logits = net(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    return logits, loss


def grads(a):
    case, out = load_file(a.case), {}
    results = {}
    for name, dt in (("f32", torch.float32), ("f64", torch.float64)):
        net = loaded(case, dt)
        mask = case["mask"].to(dt) if "mask" in case else None
        logits, loss = step(net, case["input"].to(dt), case["labels"].long(), mask)
        r = {"logits": logits.detach(), "loss": loss.detach().reshape(1)}
        r.update({"grad." + k: p.grad for k, p in net.named_parameters()})
        results[name] = r
    for k, v in results["f32"].items():
        out["f32." + k] = v.float()
        out["err32." + k] = (v.double() - results["f64"][k]).float()
    save_file(out, a.out)


def sgd(a):
    """The loss curve in float32, and its spread: how far the curve moves when the start moves by one unit in the
    last place of every weight (a rounding-sized change; three such moves), as a running maximum over the steps."""
    case = load_file(a.case)
    curves = []
    for perturbation in range(4):  # 0: the start as given
        net = loaded(case, torch.float32)
        if perturbation:
            g = torch.Generator().manual_seed(perturbation)
            with torch.no_grad():
                for p in net.parameters():
                    p.mul_(1 + 2.0 ** -23 * (torch.randint(0, 2, p.shape, generator=g) * 2 - 1))
        opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
        curve = []
        for s in range(case["input"].shape[0]):
            mask = case["mask"][s] if "mask" in case else None
            _, loss = step(net, case["input"][s], case["labels"][s].long(), mask)
            if a.clip_norm > 0:
                torch.nn.utils.clip_grad_norm_(net.parameters(), a.clip_norm)
            opt.step()
            curve.append(loss.item())
        curves.append(torch.tensor(curve, dtype=torch.float64))
    gap = torch.stack([(c - curves[0]).abs() for c in curves[1:]]).max(0).values
    save_file({"f32.loss": curves[0].float(), "spread.loss": torch.cummax(gap, 0).values.float()}, a.out)


def updates(a):
    """torch.optim.SGD on given gradients, in float32 and in float64 (the exact answer, to float32's eyes)."""
    case = load_file(a.case)
    names = [k for k in case if not k.startswith("grad.")]
    results = {}
    for label, dt in (("f32", torch.float32), ("f64", torch.float64)):
        params = {k: case[k].to(dt).clone().requires_grad_(True) for k in names}
        opt = torch.optim.SGD(params.values(), lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
        for s in range(case["grad." + names[0]].shape[0]):
            for k, p in params.items():
                p.grad = case["grad." + k][s].to(dt).clone()
            opt.step()
        r = {k: p.detach() for k, p in params.items()}
        if a.momentum > 0:
            r.update({"velocity." + k: opt.state[p]["momentum_buffer"] for k, p in params.items()})
        results[label] = r
    out = {}
    for k, v in results["f32"].items():
        out["f32." + k] = v.float()
        out["err32." + k] = (v.double() - results["f64"][k]).float()
    save_file(out, a.out)


def init(a):
    torch.manual_seed(a.seed)
    net = nin()
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)  # the chapter's init_weights
    save_file(net.state_dict(), a.out, {"source": "torch_oracle.py init"})


def logits(a):
    weights, x, z = load_file(a.weights), load_file(a.inputs)["input"], {}
    for name, dt in (("f32", torch.float32), ("f64", torch.float64)):
        net = loaded(weights, dt).eval()
        with torch.no_grad():
            z[name] = net(x.to(dt))
    save_file({"f32.logits": z["f32"], "err32.logits": (z["f32"].double() - z["f64"]).float()}, a.out)


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return torch.frombuffer(bytearray(raw[4 + 4 * len(dims):]), dtype=torch.uint8).reshape(dims)


def train_eval(a):
    """A short d2l-style run (Kaiming init, which leaves ln 10 at this size), then accuracy on the first test images."""
    torch.manual_seed(a.seed)
    prep = lambda X: F.interpolate(X.float().div(255).unsqueeze(1), size=(a.resize, a.resize), mode="bilinear", align_corners=False)
    X, y = idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")), idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz")).long()
    net = nin()
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
    opt = torch.optim.SGD(net.parameters(), lr=a.lr)
    net.train()
    for s in range(a.steps):
        i = s * a.batch % 60000
        loss = F.cross_entropy(net(prep(X[i:i + a.batch])), y[i:i + a.batch])
        opt.zero_grad(); loss.backward(); opt.step()
    save_file(net.state_dict(), a.out)
    Xt, yt = idx(os.path.join(a.data, "t10k-images-idx3-ubyte.gz"))[:a.limit], idx(os.path.join(a.data, "t10k-labels-idx1-ubyte.gz"))[:a.limit].long()
    net.eval()
    with torch.no_grad():
        z = torch.cat([net(prep(Xt[i:i + 250])) for i in range(0, len(Xt), 250)])
    top2 = z.topk(2, dim=1).values
    # an arg-max that float32 rounding may flip: the two largest logits closer than 1e-4 of the largest's size
    close = ((top2[:, 0] - top2[:, 1]) <= 1e-4 * top2[:, 0].abs().clamp(min=1)).sum().item()
    print(json.dumps({"correct": (z.argmax(1) == yt).sum().item(), "count": len(yt), "near_ties": close}))


ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="cmd", required=True)
p = sub.add_parser("init"); p.add_argument("out"); p.add_argument("--seed", type=int, default=0); p.set_defaults(f=init)
p = sub.add_parser("logits"); p.add_argument("weights"); p.add_argument("inputs"); p.add_argument("out"); p.set_defaults(f=logits)
p = sub.add_parser("grads"); p.add_argument("case"); p.add_argument("out"); p.set_defaults(f=grads)
for name, f in (("sgd", sgd), ("updates", updates)):
    p = sub.add_parser(name); p.add_argument("case"); p.add_argument("out"); p.add_argument("--lr", type=float, required=True)
    p.add_argument("--momentum", type=float, default=0.0); p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--clip-norm", type=float, default=0.0); p.set_defaults(f=f)
p = sub.add_parser("train-eval"); p.add_argument("data"); p.add_argument("out")
for flag, d in (("--resize", 72), ("--steps", 60), ("--batch", 16), ("--limit", 500), ("--seed", 0)):
    p.add_argument(flag, type=int, default=d)
p.add_argument("--lr", type=float, default=0.05); p.set_defaults(f=train_eval)
a = ap.parse_args()
a.f(a)
