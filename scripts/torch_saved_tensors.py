#!/usr/bin/python3
"""What PyTorch's autograd keeps for the backward pass of the chapter's NiN: the exercises' memory oracle.

Builds exactly d2l's NiN (scripts/d2l_nin.py), runs one training-mode forward
pass and the chapter's loss (nn.CrossEntropyLoss) on random inputs of the given batch size and resize, and
counts the tensors autograd saves for backward in two independent ways:

  * torch.autograd.graph.saved_tensors_hooks: every tensor packed while the graph is built, counted once
    per storage (a ReLU's output that the next convolution also saves is one array), parameters apart;
  * a walk over the graph's nodes reading their _saved_* fields, which says which operation keeps what.

  /usr/bin/python3 scripts/torch_saved_tensors.py [--resize 224] [--batch-size 128] [--threads 2] [--out FILE]

Needs Debian's python3-torch. Prints one JSON object (kind "saved-tensors"); --out also writes it.
"""
import argparse, datetime, json, os, platform, sys

import torch
from torch import nn


from d2l_nin import cpu_model, nin  # noqa: E402  (the chapter's network, beside this script)


def storage_key(t):
    return t.storage().data_ptr() if t.device.type != "meta" else id(t)


def nbytes(t):
    return t.numel() * t.element_size()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resize", type=int, default=224)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = nin().train()
    params = {storage_key(p) for p in net.parameters()}
    x = torch.randn(a.batch_size, 1, a.resize, a.resize)
    y = torch.randint(0, 10, (a.batch_size,))

    packed = {}          # storage -> bytes, activations only
    packed_params = {}   # storage -> bytes, the parameters autograd also saves (they exist anyway)
    calls = [0]

    def pack(t):
        calls[0] += 1
        key = storage_key(t)
        (packed_params if key in params else packed)[key] = t.untyped_storage().nbytes() if hasattr(t, "untyped_storage") else t.storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = nn.CrossEntropyLoss()(net(x), y)

    # which operation saved what: the graph's nodes and their _saved_* tensors, first use of a storage wins
    saved, seen, stack, visited = [], {}, [loss.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in visited:
            continue
        visited.add(node)
        for attr in sorted(dir(node)):
            if not attr.startswith("_saved_"):
                continue
            value = getattr(node, attr)
            for t in (value if isinstance(value, (tuple, list)) else [value]):
                if isinstance(t, torch.Tensor):
                    key = storage_key(t)
                    saved.append({"node": type(node).__name__, "field": attr[len("_saved_"):], "shape": list(t.shape),
                                  "dtype": str(t.dtype).replace("torch.", ""), "bytes": nbytes(t),
                                  "parameter": key in params, "sharedWith": seen.get(key)})
                    seen.setdefault(key, type(node).__name__ + "." + attr[len("_saved_"):])
        stack.extend(fn for fn, _ in node.next_functions)

    result = {
        "kind": "saved-tensors",
        "library": "pytorch",
        "network": "d2l NiN (nn.Sequential), training mode, nn.CrossEntropyLoss",
        "batchSize": a.batch_size,
        "resize": a.resize,
        "hookCalls": calls[0],
        "savedActivationBytes": sum(packed.values()),
        "savedActivationArrays": len(packed),
        "savedParameterBytes": sum(packed_params.values()),
        "parameterBytes": sum(nbytes(p) for p in net.parameters()),
        "saved": saved,
        "provenance": {
            "torch": torch.__version__, "python": platform.python_version(), "cpu": cpu_model(),
            "cores": str(os.cpu_count()), "threads": str(torch.get_num_threads()), "host": platform.node(),
            "os": platform.system() + " " + platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "script": "scripts/torch_saved_tensors.py"},
    }
    text = json.dumps(result, indent=2)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
