"""safetensors for PyTorch without the safetensors package (Debian's torch 1.13 comes without it).

The format: an 8-byte little-endian header length, a JSON header {name: {"dtype", "shape", "data_offsets"},
"__metadata__": {str: str}}, then each tensor's raw little-endian bytes, offsets counted from the end of the
header. load_file/save_file take and give what safetensors.torch's functions of the same names do; when that
package is installed, they are used instead.
"""
import json
import struct

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}
NAMES = {v: k for k, v in DTYPES.items()}


def _load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[t["dtype"]]) if end > begin \
            else torch.empty(0, dtype=DTYPES[t["dtype"]])
        out[name] = flat.reshape(t["shape"]).clone()
    return out


def _save_file(tensors, path, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        b = t.detach().cpu().contiguous().numpy().tobytes()  # numpy writes the machine's order: little-endian on x86/ARM
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for c in chunks:
            f.write(c)


try:  # the maintained implementation, where installed
    from safetensors.torch import load_file, save_file
except ImportError:
    load_file, save_file = _load_file, _save_file
