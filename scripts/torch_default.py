"""./nin train's default recipe in PyTorch, on the CPU: a check, by code nobody here wrote, of what exercise 1 found
with our engine (with plain Kaiming some class channels die and their classes are never answered; with the class
layer opened none does). d2l's nn.Sequential NiN (scripts/d2l_nin.py), resize 72, batch 64, all 60,000 images,
2 epochs, SGD momentum 0.9 at lr 0.02 warmed up over 5 % of the steps then along a cosine to 0, the gradients' norm
clipped at --clip-norm (torch.nn.utils.clip_grad_norm_; 0: not clipped); --init kaiming
draws every convolution with kaiming_uniform_(nonlinearity='relu') (PyTorch's default biases), and
kaiming-live-classes then sets the last convolution's weights to 0 and its biases to 0.5. PyTorch's own random
numbers: a seed here is not the same draw as the same seed in Java.

  /usr/bin/python3 scripts/torch_default.py DATA_DIR OUT.json [--init kaiming|kaiming-live-classes] [--clip-norm C] [--seed S]
                                             [--epochs E] [--limit N] [--test-limit N]

Writes a run record in ./nin train's format (config, per-epoch metrics with the test set split by class,
provenance), atomically, after every epoch; the book reads it like any other run.
"""
import argparse, datetime, gzip, json, math, os, platform, resource, socket, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from d2l_nin import nin, cpu_model  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("data"); ap.add_argument("out")
ap.add_argument("--init", default="kaiming-live-classes", choices=["kaiming", "kaiming-live-classes"])
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--clip-norm", type=float, default=5.0, help="./nin train's default: 5; 0 for none")
ap.add_argument("--epochs", type=int, default=2)
ap.add_argument("--limit", type=int, default=0, help="train on the first N images (0 = all; for trying the script)")
ap.add_argument("--test-limit", type=int, default=0)
a = ap.parse_args()
RESIZE, BATCH, LR, MOMENTUM, WARMUP_PERCENT, CLASS_LAYER_BIAS = 72, 64, 0.02, 0.9, 5, 0.5
torch.set_num_threads(2)
T0 = time.time()


def idx(name):
    path = os.path.join(a.data, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        raw = f.read()
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * nd).reshape(dims)


Xtr, ytr = torch.tensor(idx("train-images-idx3-ubyte").copy()), torch.tensor(idx("train-labels-idx1-ubyte").astype(np.int64))
Xte, yte = torch.tensor(idx("t10k-images-idx3-ubyte").copy()), torch.tensor(idx("t10k-labels-idx1-ubyte").astype(np.int64))
if a.limit:
    Xtr, ytr = Xtr[:a.limit], ytr[:a.limit]
if a.test_limit:
    Xte, yte = Xte[:a.test_limit], yte[:a.test_limit]


def prep(x):
    return F.interpolate(x.float().div(255).unsqueeze(1), size=RESIZE, mode="bilinear", align_corners=False)


torch.manual_seed(a.seed)
net = nin()
for m in net.modules():
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
if a.init == "kaiming-live-classes":
    last = [m for m in net.modules() if isinstance(m, nn.Conv2d)][-1]
    nn.init.zeros_(last.weight)
    nn.init.constant_(last.bias, CLASS_LAYER_BIAS)
opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
steps_per_epoch = math.ceil(len(Xtr) / BATCH)
total = steps_per_epoch * a.epochs
warmup = max(1, total * WARMUP_PERCENT // 100)


def lr(step):  # as LearningRateSchedule.WARMUP_COSINE
    if step < warmup:
        return LR * (step + 1) / warmup
    return LR * 0.5 * (1 + math.cos(math.pi * (step - warmup + 1) / (total - warmup + 1)))


def by_class():
    net.eval()
    answers = []
    with torch.no_grad():
        for i in range(0, len(Xte), 500):
            answers.append(net(prep(Xte[i:i + 500])).argmax(1))
    answers = torch.cat(answers)
    images = torch.bincount(yte, minlength=10).tolist()
    correct = torch.bincount(yte[answers == yte], minlength=10).tolist()
    predicted = torch.bincount(answers, minlength=10).tolist()
    return sum(correct) / len(yte), dict(images=images, correct=correct, predicted=predicted)


config = dict(resize=RESIZE, epochs=a.epochs, lr=LR, batchSize=BATCH, seed=a.seed, limit=a.limit, init=a.init,
              momentum=MOMENTUM, weightDecay=0.0, schedule="warmup-cosine", network="NiN", variant="nin")
if a.clip_norm > 0:
    config["clipNorm"] = a.clip_norm
provenance = dict(host=socket.gethostname(), cpu=cpu_model(), date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  by="scripts/torch_default.py", torch=torch.__version__, python=platform.python_version(), threads=str(torch.get_num_threads()))
epochs, checkpoints = [], []


def write(outcome, message):
    record = {"kind": "train", "config": config, "backend": "pytorch", "device": f"2 cores, {cpu_model()} (PyTorch {torch.__version__})",
              "provenance": provenance, "epochs": epochs,
              "examplesPerSecond": sum(e["examplesPerSecond"] * e["epochSeconds"] for e in epochs) / max(1e-9, sum(e["epochSeconds"] for e in epochs)),
              "peakMemoryBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "wallSeconds": time.time() - T0, "outcome": outcome, "message": message, "checkPoints": checkpoints}
    tmp = a.out + ".part"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=1)
    os.replace(tmp, a.out)


g = torch.Generator().manual_seed(a.seed)
step = 0
for ep in range(1, a.epochs + 1):
    net.train()
    started, lsum, csum, seen, window = time.time(), 0.0, 0, 0, []
    perm = torch.randperm(len(Xtr), generator=g)
    for i in range(0, len(Xtr), BATCH):
        j = perm[i:i + BATCH]
        x, y = prep(Xtr[j]), ytr[j]
        for group in opt.param_groups:
            group["lr"] = lr(step)
        z = net(x)
        loss = F.cross_entropy(z, y)
        opt.zero_grad(); loss.backward()
        if a.clip_norm > 0:
            torch.nn.utils.clip_grad_norm_(net.parameters(), a.clip_norm)
        opt.step()
        step += 1
        lsum += loss.item() * len(y); csum += (z.argmax(1) == y).sum().item(); seen += len(y); window.append(loss.item())
        if step % 20 == 0 or i + BATCH >= len(Xtr):
            checkpoints.append(dict(epoch=ep, step=(i // BATCH) + 1, steps=steps_per_epoch, loss=float(np.mean(window))))
            window = []
        if step % 100 == 0:
            print(f"epoch {ep} step {(i // BATCH) + 1}/{steps_per_epoch} loss {lsum / seen:.3f} {seen / (time.time() - started):.0f} img/s", flush=True)
    seconds = time.time() - started
    test_acc, counts = by_class()
    epochs.append(dict(epoch=ep, loss=lsum / seen, trainAcc=csum / seen, testAcc=test_acc, epochSeconds=seconds,
                       examplesPerSecond=seen / seconds, testByClass=counts))
    print(f"epoch {ep}: loss {lsum / seen:.3f}, train acc {csum / seen:.3f}, test acc {test_acc:.3f}; answered {counts['predicted']}", flush=True)
    write("completed" if ep == a.epochs else "interrupted", f"trained {ep} of {a.epochs} epochs")
