#!/usr/bin/python3
"""PyTorch CPU reference for `./nin bench`: the chapter's NiN, its training-step and inference speed.

Builds exactly d2l's NiN (same layers as /work/shared/device/torch_nin.py), xavier-uniform convolution
weights, plain SGD, mean cross-entropy, on random data of the requested batch size and resize (the speed
of a step does not depend on the pixel values). Each figure is the median over timed steps after warm-up
steps, as images per second. Peak memory is the process's peak resident set (VmHWM), measured after
inference and again after training (training runs second, so its peak includes everything).

  /usr/bin/python3 scripts/torch_bench.py [--resize 224] [--batch-size 128] [--threads N]
                                           [--warmup 2] [--steps 5] [--out FILE]

Needs Debian's python3-torch (apt-get install -y python3-torch), which installs for /usr/bin/python3.
Prints one JSON object; --out also writes it to a file.
"""
import argparse, datetime, json, os, platform, resource, statistics, sys, time

import torch
from torch import nn
import torch.nn.functional as F


from d2l_nin import cpu_model, nin  # noqa: E402  (the chapter's network, beside this script)


def peak_rss_bytes():
    """This process's peak resident set (VmHWM), the figure ./nin bench reads for its own process.

    Not getrusage's ru_maxrss: Linux carries that over exec from the process that started this one, so
    launched by ./nin bench (a JVM with a large resident set) it would report the JVM's peak, not ours.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # not Linux: the best there is


def current_rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(step, warmup, steps):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return times


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resize", type=int, default=224)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    if a.resize < 67:
        ap.error(f"--resize {a.resize} is too small for NiN: the minimum is 67")
    if a.batch_size < 1 or a.threads < 1 or a.steps < 1 or a.warmup < 0:
        ap.error("--batch-size, --threads and --steps must be positive, --warmup non-negative")

    # Debian's build starts with one OpenMP thread here; set it explicitly so the comparison is fair
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    baseline = current_rss_bytes()

    net = nin()
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
    optimizer = torch.optim.SGD(net.parameters(), lr=a.lr)
    x = torch.rand(a.batch_size, 1, a.resize, a.resize)
    y = torch.randint(0, 10, (a.batch_size,))

    def infer():
        with torch.no_grad():
            net(x).argmax(1)

    def train_step():
        optimizer.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()

    net.eval()
    infer_times = timed(infer, a.warmup, a.steps)
    peak_inference = peak_rss_bytes()
    net.train()
    train_times = timed(train_step, a.warmup, a.steps)
    peak = peak_rss_bytes()

    result = {
        "framework": "pytorch",
        "version": torch.__version__,
        "python": sys.executable,
        "threads": torch.get_num_threads(),
        "resize": a.resize,
        "batchSize": a.batch_size,
        "warmupSteps": a.warmup,
        "timedSteps": a.steps,
        "trainImagesPerSecond": a.batch_size / statistics.median(train_times),
        "inferenceImagesPerSecond": a.batch_size / statistics.median(infer_times),
        "peakMemoryBytes": peak,
        "peakMemoryInferenceBytes": peak_inference,
        "baselineMemoryBytes": baseline,
        "trainStepSeconds": train_times,
        "inferenceStepSeconds": infer_times,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    text = json.dumps(result, indent=2)
    if a.out:
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, a.out)
    print(text)


if __name__ == "__main__":
    main()
