"""Generate PyTorch reference fixtures for the module table.

Reads tools/module-cases.json (written by tools/export-module-cases.ts). For each row it builds
the PyTorch module with torch.manual_seed(0), records its state_dict, runs the warm-up passes and
the compared forward in the requested mode, and writes test/fixtures/modules.safetensors (state,
inputs, output, cotangent, input gradients, parameter gradients, buffers after the passes) and
test/fixtures/modules.json (torch version and the constructor/call expressions).

Run with Debian's Python: /usr/bin/python3 tools/torch_module_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import OUT_DIR, TORCH_DTYPE, write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with open(os.path.join(HERE, "module-cases.json")) as f:
        cases = json.load(f)["cases"]
    tensors = {}
    meta = {}
    failures = []
    gen = torch.Generator().manual_seed(4321)
    for case in cases:
        cid = case["id"]
        try:
            torch.manual_seed(0)
            env = {"torch": torch, "nn": nn, "F": F}
            m = eval(case["ctor"], env)
            state = {k: v.detach().clone() for k, v in m.state_dict().items()}
            inputs = []
            for i, spec in enumerate(case["inputs"]):
                dt = TORCH_DTYPE[spec["dtype"]]
                t = torch.tensor(spec["values"], dtype=torch.float64).to(dt).reshape(spec["shape"])
                if dt.is_floating_point and spec["grad"]:
                    t.requires_grad_(True)
                inputs.append(t)
                env["abcdefgh"[i]] = t
            env["m"] = m
            m.train(case["mode"] == "train")
            with torch.no_grad():
                for _ in range(case["warmup"]):
                    eval(case["call"], env)
            out = eval(case["call"], env)
            if not isinstance(out, torch.Tensor):
                raise TypeError(f"call returns {type(out).__name__}, expected a Tensor")
        except Exception as e:  # report every failing row at once
            failures.append(f"{cid}: {e}")
            continue
        for k, v in state.items():
            tensors[f"{cid}/state/{k}"] = v
        for i, t in enumerate(inputs):
            tensors[f"{cid}/in{i}"] = t
        tensors[f"{cid}/out"] = out
        params = [(n, p) for n, p in m.named_parameters() if p.requires_grad]
        diff = [t for t in inputs if t.requires_grad] + [p for _, p in params]
        if out.requires_grad and diff:
            cot = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(out.dtype)
            grads = torch.autograd.grad(out, diff, cot, allow_unused=True)
            tensors[f"{cid}/cot"] = cot
            k = 0
            for i, t in enumerate(inputs):
                if t.requires_grad:
                    g = grads[k]
                    k += 1
                    tensors[f"{cid}/grad_in{i}"] = torch.zeros_like(t) if g is None else g
            for n, p in params:
                g = grads[k]
                k += 1
                tensors[f"{cid}/pgrad/{n}"] = torch.zeros_like(p) if g is None else g
        for n, b in m.named_buffers():
            if b is not None:
                tensors[f"{cid}/buf/{n}"] = b.detach().clone()
        meta[cid] = {"ctor": case["ctor"], "call": case["call"], "mode": case["mode"], "warmup": case["warmup"]}
    os.makedirs(OUT_DIR, exist_ok=True)
    write_safetensors(os.path.join(OUT_DIR, "modules.safetensors"), tensors, {"torch": torch.__version__})
    tmp = os.path.join(OUT_DIR, "modules.json.tmp")
    with open(tmp, "w") as f:
        json.dump({"torch": torch.__version__, "cases": meta}, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(OUT_DIR, "modules.json"))
    print(f"wrote {len(meta)} module cases, {len(tensors)} tensors (torch {torch.__version__})")
    if failures:
        print("\n".join(["failed module cases:"] + failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
