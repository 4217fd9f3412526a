"""PyTorch CPU reference for bench/run.mjs (optional column).

Usage: /usr/bin/python3 torch_bench.py --threads N --jsonl FILE --data DIR [--quick] [--only RE]
Same workloads, sizes, repetition policy and data files as the JavaScript children
(lib/common.mjs); each figure is appended to FILE as one JSON line.
"""

import argparse
import atexit
import json
import math
import os
import re
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--jsonl", default=None)
ap.add_argument("--data", required=True)
ap.add_argument("--quick", action="store_true")
ap.add_argument("--only", default=None)
args = ap.parse_args()
QUICK = args.quick
torch.set_num_threads(args.threads)
torch.manual_seed(0)

# Mirrors POLICY in lib/common.mjs.
if QUICK:
    POLICY = dict(warm_min=1, warm_max=20, warm_ms=50, min_reps=3, min_ms=200, max_reps=20, budget_ms=1500, slow_ms=3000)
else:
    POLICY = dict(warm_min=1, warm_max=50, warm_ms=300, min_reps=5, min_ms=1000, max_reps=200, budget_ms=math.inf,
                  slow_ms=math.inf)
W2 = dict(batch=64, steps=20 if QUICK else 156, full_steps=156, lr=1e-3)
W1_SIZES = [128, 512] if QUICK else [128, 512, 1024]
N6 = 1 << 20


def emit(obj):
    line = json.dumps(obj)
    if args.jsonl:
        with open(args.jsonl, "a") as f:
            f.write(line + "\n")
    else:
        print(line)


def record(key, value, unit, **extra):
    emit(dict(key=key, value=value, unit=unit, **extra))
    note = f" ({extra['note']})" if extra.get("note") else ""
    sys.stderr.write(f"  {key}: {value:.4g} {unit}{note}\n")


def record_error(key, text):
    emit(dict(key=key, error=text))
    sys.stderr.write(f"  {key}: {text}\n")


def measure(fn, policy=POLICY):
    """fn() times its own region and returns milliseconds; returns (median ms, samples)."""
    spent = 0.0
    for i in range(policy["warm_max"]):
        if i >= policy["warm_min"] and spent >= policy["warm_ms"]:
            break
        ms = fn()
        if i == 0 and ms >= policy["slow_ms"]:
            return ms, [ms]  # quick mode: a slow first call is the only sample
        spent += ms
    reps, spent = [], 0.0
    while len(reps) < policy["max_reps"]:
        enough = len(reps) >= policy["min_reps"] and spent >= policy["min_ms"]
        if enough or (len(reps) >= 1 and spent >= policy["budget_ms"]):
            break
        ms = fn()
        reps.append(ms)
        spent += ms
    return statistics.median(reps), reps


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def load_data():
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    images = np.fromfile(os.path.join(args.data, "images.f32"), dtype="<f4").reshape(-1, 784)
    labels = np.fromfile(os.path.join(args.data, "labels.i32"), dtype="<i4").astype(np.int64)
    w2 = {k: np.fromfile(os.path.join(args.data, f"w2_{k}.f32"), dtype="<f4").reshape(s) for k, s in meta["w2"].items()}
    n = meta["nTrain"]
    return images[:n], labels[:n], images[n:], labels[n:], w2


def w1():
    for n in W1_SIZES:
        a, b = torch.randn(n, n), torch.randn(n, n)
        ms, reps = measure(lambda: timed(lambda: torch.mm(a, b)))
        record(f"W1.{n}", 2 * n**3 / ms / 1e6, "GFLOP/s", reps=reps)


def w2():
    trx, try_, tex, tey, init = load_data()
    n_train, B = len(try_), W2["batch"]
    tex_t, tey_t = torch.from_numpy(tex), torch.from_numpy(tey)

    def batch(s):
        idx = (np.arange(B) + s * B) % n_train
        return torch.from_numpy(trx[idx]), torch.from_numpy(try_[idx])

    def epoch(steps):
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        with torch.no_grad():
            for i, layer in enumerate([model[0], model[2], model[4]]):
                layer.weight.copy_(torch.from_numpy(init[f"w{i + 1}"]))
                layer.bias.copy_(torch.from_numpy(init[f"b{i + 1}"]))
        opt = torch.optim.Adam(model.parameters(), lr=W2["lr"])

        def loop():
            for s in range(steps):
                x, y = batch(s)
                opt.zero_grad()
                F.cross_entropy(model(x), y).backward()
                opt.step()

        ms = timed(loop)
        with torch.no_grad():
            acc = (model(tex_t).argmax(1) == tey_t).float().mean().item()
        return ms, acc

    epoch(3 if QUICK else 8)
    accs = []

    def rep():
        ms, acc = epoch(W2["steps"])
        accs.append(acc)
        return ms

    ms, reps = measure(rep, dict(POLICY, warm_min=0, warm_max=0))
    note = f"{W2['steps']}-step subset, scaled to 156 steps" if QUICK else None
    record("W2.ms", ms * W2["full_steps"] / W2["steps"], "ms/epoch", reps=reps, note=note)
    record("W2.sps", W2["steps"] * B / ms * 1000, "samples/s", note=note)
    record("W2.acc", accs[0], "accuracy", note=f"after {W2['steps']} steps" if QUICK else None)


def w3():
    trx, try_, _, _, _ = load_data()
    B = 64
    x = torch.from_numpy(trx[:B].copy()).reshape(B, 1, 28, 28)
    y = torch.from_numpy(try_[:B].copy())
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    ms, reps = measure(lambda: timed(step))
    record("W3", ms, "ms/step", reps=reps)


def w4():
    lstm = nn.LSTM(64, 128, num_layers=1)
    x = torch.randn(64, 16, 64)  # [seq, batch, input]

    def step():
        lstm.zero_grad()
        out, _ = lstm(x)
        out.sum().backward()

    ms, reps = measure(lambda: timed(step))
    record("W4", ms, "ms/step", reps=reps, note="nn.LSTM")


def w5():
    layer = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, batch_first=True)  # post-LN, ReLU
    layer.train()
    x = torch.randn(8, 128, 128)

    def step():
        layer.zero_grad()
        layer(x).sum().backward()

    ms, reps = measure(lambda: timed(step))
    record("W5", ms, "ms/step", reps=reps, note="post-LN")


def w6():
    a, b = torch.randn(N6), torch.randn(N6)
    nbytes = {"add": 3 * 4 * N6, "exp": 2 * 4 * N6, "relu": 2 * 4 * N6}
    ops = {"add": lambda: torch.add(a, b), "exp": lambda: torch.exp(a), "relu": lambda: torch.relu(a)}
    for name, op in ops.items():
        ms, reps = measure(lambda: timed(op))
        record(f"W6.{name}", nbytes[name] / ms / 1e6, "GB/s", reps=reps)


_started = time.perf_counter()
_ru0 = resource.getrusage(resource.RUSAGE_SELF)


@atexit.register
def _usage():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru.ru_utime + ru.ru_stime - _ru0.ru_utime - _ru0.ru_stime
    emit(dict(usage=dict(cpuMs=cpu * 1000, wallMs=(time.perf_counter() - _started) * 1000)))


emit(dict(meta=dict(library="torch", version=torch.__version__, backend="cpu", threads=args.threads,
                    detail=f"torch.set_num_threads({args.threads})")))
only = re.compile(args.only) if args.only else None
for name, fn in [("W1", w1), ("W2", w2), ("W3", w3), ("W4", w4), ("W5", w5), ("W6", w6)]:
    if only and not only.search(name):
        continue
    sys.stderr.write(f"torch {args.threads}T {name}\n")
    try:
        if name in ("W1", "W6"):
            with torch.no_grad():
                fn()
        else:
            fn()
    except Exception as e:  # a failing workload must not hide the others
        record_error(name, f"fails: {str(e).splitlines()[0][:160]}")
