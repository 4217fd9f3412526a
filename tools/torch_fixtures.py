"""Generate PyTorch reference fixtures for the op table.

Reads tools/cases.json (written by tools/export-cases.ts), evaluates each case's PyTorch
expression on the stored inputs, and writes test/fixtures/ops.safetensors (inputs, outputs,
cotangents and input gradients) plus test/fixtures/ops.json (torch version and expressions).

Run with Debian's Python, where python3-torch installs: /usr/bin/python3 tools/torch_fixtures.py
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT_DIR = os.path.join(ROOT, "test", "fixtures")

TORCH_DTYPE = {"float64": torch.float64, "float32": torch.float32, "int32": torch.int64, "bool": torch.bool}
ST_DTYPE = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I32", torch.int32: "I32", torch.bool: "BOOL"}


def to_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.int64:
        t = t.to(torch.int32)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        b = to_bytes(t)
        header[name] = {"dtype": ST_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def main():
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)["cases"]
    gen = torch.Generator().manual_seed(1234)
    tensors = {}
    meta = {}
    failures = []
    for case in cases:
        cid = case["id"]
        names = "abcdefgh"
        env = {"torch": torch, "F": F}
        inputs = []
        for i, spec in enumerate(case["inputs"]):
            dt = TORCH_DTYPE[spec["dtype"]]
            t = torch.tensor(spec["values"], dtype=torch.float64).to(dt).reshape(spec["shape"])
            if dt.is_floating_point and spec["grad"] and not case["nondiff"]:
                t.requires_grad_(True)
            env[names[i]] = t
            inputs.append(t)
        try:
            out = eval(case["expr"], env)
            if isinstance(out, (tuple, list)):
                raise TypeError(f"expression returns {len(out)} values; select one")
            diff = [t for t in inputs if t.requires_grad]
            grads = None
            if out.requires_grad and diff:
                cot = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(out.dtype)
                grads = torch.autograd.grad(out, diff, cot, allow_unused=True)
        except Exception as e:  # report every failing case at once, keep the others
            failures.append(f"{cid}: {case['expr']}: {e}")
            continue
        for i, t in enumerate(inputs):
            tensors[f"{cid}/in{i}"] = t
        tensors[f"{cid}/out"] = out
        meta[cid] = {"expr": case["expr"]}
        if grads is not None:
            tensors[f"{cid}/cot"] = cot
            k = 0
            for i, t in enumerate(inputs):
                if t.requires_grad:
                    g = grads[k]
                    k += 1
                    tensors[f"{cid}/grad{i}"] = torch.zeros_like(t) if g is None else g
    os.makedirs(OUT_DIR, exist_ok=True)
    write_safetensors(os.path.join(OUT_DIR, "ops.safetensors"), tensors, {"torch": torch.__version__})
    tmp = os.path.join(OUT_DIR, "ops.json.tmp")
    with open(tmp, "w") as f:
        json.dump({"torch": torch.__version__, "cases": meta}, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(OUT_DIR, "ops.json"))
    print(f"wrote {len(meta)} cases, {len(tensors)} tensors (torch {torch.__version__})")
    if failures:
        # The other cases are written, so one bad row does not block the rest; the ops test
        # reports the missing fixtures.
        print("\n".join(["failed cases:"] + failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
