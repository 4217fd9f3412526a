"""Generate PyTorch reference fixtures for the module table.

Reads tools/module-cases.json (written by tools/export-module-cases.ts). For each row it builds
the PyTorch module with torch.manual_seed(0), records its state_dict, runs the warm-up passes (in
train mode, under no_grad: they exist to move running statistics) and the compared forward in the
requested mode, and writes test/fixtures/modules.safetensors (state, inputs, output, cotangent,
input gradients, parameter gradients, and the whole state_dict after the passes, which holds
running statistics and weights changed in place, e.g. by Embedding's max_norm) and
test/fixtures/modules.json (torch version and the constructor/call expressions).

Layers that this torch lacks are supplied below (`compat`), written from PyTorch's documented
semantics, so a row's constructor expression is the one a current PyTorch accepts.

Run with Debian's Python: /usr/bin/python3 tools/torch_module_fixtures.py
"""
import inspect
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import OUT_DIR, TORCH_DTYPE, write_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class Lambda(nn.Module):
    """A parameter-free module around a function, for nabla layers PyTorch has only as functions
    (e.g. L2Norm = F.normalize(x, dim=-1, eps=1e-6))."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def randomized(m):
    """Fills every parameter of `m` with N(0, 1) draws (the row's seed), so a row tests affine
    weights other than PyTorch's ones and zeros; returns `m`."""
    with torch.no_grad():
        for p in m.parameters():
            p.normal_()
    return m


def compat():
    """Adds nn.RMSNorm (torch 2.4) and LayerNorm's `bias` argument (torch 2.1) to older torch."""
    if not hasattr(nn, "RMSNorm"):

        class RMSNorm(nn.Module):
            # torch 2.4: y = x * rsqrt(mean(x^2 over the normalized dims) + eps) * weight, with
            # eps = finfo(x.dtype).eps when None; weight starts at ones.
            def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
                super().__init__()
                if isinstance(normalized_shape, int):
                    normalized_shape = (normalized_shape,)
                self.normalized_shape = tuple(normalized_shape)
                self.eps = eps
                self.elementwise_affine = elementwise_affine
                if elementwise_affine:
                    self.weight = nn.Parameter(torch.ones(self.normalized_shape, device=device, dtype=dtype))
                else:
                    self.register_parameter("weight", None)

            def forward(self, x):
                dims = tuple(range(-len(self.normalized_shape), 0))
                eps = torch.finfo(x.dtype).eps if self.eps is None else self.eps
                y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
                return y * self.weight if self.weight is not None else y

        nn.RMSNorm = RMSNorm
    if "bias" not in inspect.signature(nn.LayerNorm.__init__).parameters:
        base = nn.LayerNorm

        class LayerNorm(base):
            def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, **kw):
                super().__init__(normalized_shape, eps, elementwise_affine, **kw)
                if elementwise_affine and not bias:
                    self.bias = None

        LayerNorm.__name__ = "LayerNorm"
        nn.LayerNorm = LayerNorm


def main():
    with open(os.path.join(HERE, "module-cases.json")) as f:
        cases = json.load(f)["cases"]
    tensors = {}
    meta = {}
    failures = []
    gen = torch.Generator().manual_seed(4321)
    compat()
    for case in cases:
        cid = case["id"]
        try:
            torch.manual_seed(0)
            env = {"torch": torch, "nn": nn, "F": F, "Lambda": Lambda, "randomized": randomized}
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
            m.train(True)
            with torch.no_grad():
                for _ in range(case["warmup"]):
                    eval(case["call"], env)
            m.train(case["mode"] == "train")
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
        for k, v in m.state_dict().items():
            tensors[f"{cid}/after/{k}"] = v.detach().clone()
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
