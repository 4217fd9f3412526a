"""Generate PyTorch reference fixtures for the optimizers and LR schedulers (test/optim.test.ts,
test/lrScheduler.test.ts).

Optimizers: a fixed problem (a 2-layer tanh MLP, 4 -> 8 -> 3, on 16 fixed samples, loss =
mean squared error) whose data and initial parameters are drawn here with a seeded generator and
stored in the fixture. For every case (optimizer + options, float32 and float64) it runs 25
steps and records the loss before each step, all parameters after each step (flattened in
order W1, b1, W2, b2) and the final optimizer state_dict.

Lion is not in torch 1.13: `LionRef` below is a reference written for these fixtures from
Algorithm 2 of Chen et al., "Symbolic Discovery of Optimization Algorithms" (2023,
https://arxiv.org/abs/2302.06675), with decoupled weight decay as in the paper, using torch's
float32 ops so its rounding matches the rest of the fixtures.

Schedulers: the lr (and, for the cyclic ones, momentum) of every param group after
construction and after each of 100 `optimizer.step(); scheduler.step()` rounds, plus the keys
of each scheduler's state_dict. ReduceLROnPlateau reads a fixed metric sequence stored in the
JSON.

Writes test/fixtures/optim.safetensors and test/fixtures/optim.json.
Run with Debian's Python: /usr/bin/python3 tools/torch_optim_fixtures.py
"""
import json
import math
import os
import sys
import warnings

import torch
import torch.optim as optim
import torch.optim.lr_scheduler as sched

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import OUT_DIR, write_safetensors  # noqa: E402

STEPS = 25
SCHED_STEPS = 100


class LionRef(optim.Optimizer):
    """Lion, Algorithm 2 of Chen et al. (2023): c = b1*m + (1-b1)*g; theta = theta*(1 - lr*wd)
    - lr*sign(c); m = b2*m + (1-b2)*g. State: exp_avg."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = -p.grad if group["maximize"] else p.grad
                state = self.state[p]
                if "exp_avg" not in state:
                    state["exp_avg"] = torch.zeros_like(p)
                m = state["exp_avg"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                c = m.mul(beta1).add_(g, alpha=1 - beta1)
                p.add_(torch.sign(c), alpha=-group["lr"])
                m.mul_(beta2).add_(g, alpha=1 - beta2)


OPTIMIZERS = {
    "SGD": optim.SGD,
    "Adam": optim.Adam,
    "AdamW": optim.AdamW,
    "Adamax": optim.Adamax,
    "NAdam": optim.NAdam,
    "RAdam": optim.RAdam,
    "Adagrad": optim.Adagrad,
    "Adadelta": optim.Adadelta,
    "RMSprop": optim.RMSprop,
    "Rprop": optim.Rprop,
    "Lion": LionRef,
    "LBFGS": optim.LBFGS,
}

# (id, optimizer, kwargs, groups): groups, when given, splits the 4 parameters into groups with
# their own options ({"params": [indices], ...}).
CASES = [
    ("sgd", "SGD", {"lr": 0.1}, None),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}, None),
    ("sgd_dampening_wd", "SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}, None),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.02}, None),
    ("sgd_maximize", "SGD", {"lr": 0.02, "momentum": 0.5, "maximize": True}, None),
    ("sgd_groups", "SGD", {"lr": 0.05, "momentum": 0.9},
     [{"params": [0, 1], "lr": 0.1}, {"params": [2, 3], "momentum": 0.5, "weight_decay": 0.1}]),
    ("adam", "Adam", {"lr": 0.01}, None),
    ("adam_amsgrad_wd", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.05, "amsgrad": True}, None),
    ("adam_maximize_eps", "Adam", {"lr": 0.002, "eps": 1e-3, "maximize": True}, None),
    ("adam_groups", "Adam", {"lr": 0.01},
     [{"params": [0, 1], "lr": 0.02, "amsgrad": True}, {"params": [2, 3], "betas": (0.5, 0.9)}]),
    ("adamw", "AdamW", {"lr": 0.01}, None),
    ("adamw_amsgrad", "AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}, None),
    ("adamw_maximize", "AdamW", {"lr": 0.005, "betas": (0.85, 0.95), "maximize": True}, None),
    ("adamax", "Adamax", {"lr": 0.02}, None),
    ("adamax_wd_maximize", "Adamax", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.05, "maximize": True}, None),
    ("nadam", "NAdam", {"lr": 0.01}, None),
    ("nadam_wd", "NAdam", {"lr": 0.005, "betas": (0.8, 0.99), "weight_decay": 0.05, "momentum_decay": 0.01}, None),
    ("radam", "RAdam", {"lr": 0.01}, None),
    ("radam_wd", "RAdam", {"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 0.05, "eps": 1e-6}, None),
    ("adagrad", "Adagrad", {"lr": 0.05}, None),
    ("adagrad_decay", "Adagrad", {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.01,
                                   "initial_accumulator_value": 0.1, "eps": 1e-8}, None),
    ("adagrad_maximize", "Adagrad", {"lr": 0.01, "maximize": True}, None),
    ("adadelta", "Adadelta", {}, None),
    ("adadelta_wd", "Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weight_decay": 0.01}, None),
    ("adadelta_maximize", "Adadelta", {"lr": 0.5, "maximize": True}, None),
    ("rmsprop", "RMSprop", {"lr": 0.01}, None),
    ("rmsprop_centered", "RMSprop", {"lr": 0.005, "centered": True}, None),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.005, "momentum": 0.9, "alpha": 0.9}, None),
    ("rmsprop_centered_momentum_wd", "RMSprop", {"lr": 0.005, "alpha": 0.9, "centered": True, "momentum": 0.5,
                                                  "weight_decay": 0.01, "eps": 1e-6}, None),
    ("rmsprop_maximize", "RMSprop", {"lr": 0.002, "alpha": 0.9, "maximize": True}, None),
    ("rprop", "Rprop", {"lr": 0.01}, None),
    ("rprop_etas", "Rprop", {"lr": 0.02, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.05)}, None),
    ("rprop_maximize", "Rprop", {"lr": 0.005, "maximize": True}, None),
    ("lion", "Lion", {"lr": 1e-3}, None),
    ("lion_wd", "Lion", {"lr": 3e-3, "betas": (0.95, 0.98), "weight_decay": 0.5}, None),
    ("lion_maximize", "Lion", {"lr": 1e-3, "maximize": True}, None),
    # LBFGS runs 2 iterations per step (50 in all): longer runs reach the ill-conditioned
    # end of this problem, where a 1-ulp change of the start moves float32 runs by > 1e-3.
    ("lbfgs", "LBFGS", {"lr": 0.5, "max_iter": 2}, None),
    ("lbfgs_history", "LBFGS", {"lr": 0.3, "max_iter": 2, "history_size": 3}, None),
    ("lbfgs_wolfe", "LBFGS", {"max_iter": 2, "line_search_fn": "strong_wolfe"}, None),
    ("lbfgs_wolfe_history", "LBFGS", {"max_iter": 2, "history_size": 3, "line_search_fn": "strong_wolfe"}, None),
]


def make_problem():
    gen = torch.Generator().manual_seed(20240611)
    d = torch.float64
    x = torch.randn(16, 4, generator=gen, dtype=d)
    w_true = torch.randn(4, 3, generator=gen, dtype=d)
    y = torch.sin(x @ w_true) + 0.1 * torch.randn(16, 3, generator=gen, dtype=d)
    params = [
        0.5 * torch.randn(8, 4, generator=gen, dtype=d),
        0.1 * torch.randn(8, generator=gen, dtype=d),
        0.5 * torch.randn(3, 8, generator=gen, dtype=d),
        0.1 * torch.randn(3, generator=gen, dtype=d),
    ]
    return x, y, params


def loss_fn(params, x, y):
    w1, b1, w2, b2 = params
    h = torch.tanh(x @ w1.t() + b1)
    d = h @ w2.t() + b2 - y
    return (d * d).mean()


def py(v):
    """JSON-able copy of a state_dict value (tensors become numbers or lists)."""
    if isinstance(v, torch.Tensor):
        return v.item() if v.numel() == 1 and v.dim() == 0 else v.tolist()
    if isinstance(v, (list, tuple)):
        return [py(x) for x in v]
    if isinstance(v, float) and math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def run_case(cid, name, kwargs, groups, dtype, problem, tensors, nudge=False):
    x64, y64, p64 = problem
    x, y = x64.to(dtype), y64.to(dtype)
    params = [p.to(dtype).clone() for p in p64]
    if nudge:
        params = [torch.nextafter(p, torch.full_like(p, math.inf)) for p in params]
    params = [p.requires_grad_(True) for p in params]
    if groups is None:
        spec = params
    else:
        spec = [dict(g, params=[params[i] for i in g["params"]]) for g in groups]
    opt = OPTIMIZERS[name](spec, **kwargs)

    def closure():
        opt.zero_grad()
        loss = loss_fn(params, x, y)
        loss.backward()
        return loss

    traj, losses = [], []
    for _ in range(STEPS):
        if name == "LBFGS":
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        losses.append(float(loss))
        traj.append(torch.cat([p.detach().reshape(-1) for p in params]).clone())
    if nudge:
        return torch.stack(traj)
    tensors[f"{cid}/traj"] = torch.stack(traj)
    tensors[f"{cid}/loss"] = torch.tensor(losses, dtype=torch.float64)
    sd = opt.state_dict()
    scalars = {}
    for i, st in sd["state"].items():
        scalars[str(i)] = {}
        for k, v in st.items():
            if k == "al":  # scratch space of the two-loop recursion, not state
                continue
            if isinstance(v, torch.Tensor) and v.dim() > 0:
                tensors[f"{cid}/state/{i}/{k}"] = v
            elif isinstance(v, list) and v and all(isinstance(t, torch.Tensor) and t.dim() > 0 for t in v):
                for j, t in enumerate(v):
                    tensors[f"{cid}/state/{i}/{k}/{j}"] = t
                scalars[str(i)][k] = {"list": len(v)}
            else:
                scalars[str(i)][k] = py(v)
    param_groups = [{k: py(v) for k, v in g.items()} for g in sd["param_groups"]]
    # Conditioning: how far the same run moves when every initial value is nudged by one ulp.
    # The parity tolerance is only meaningful where this stays near rounding level.
    nudged = run_case(cid, name, kwargs, groups, dtype, problem, {}, nudge=True)
    ref = tensors[f"{cid}/traj"]
    sensitivity = ((nudged - ref).abs() / ref.abs().clamp(min=1)).max().item()
    return {"optimizer": name, "kwargs": py_kwargs(kwargs), "groups": groups, "dtype": str(dtype).split(".")[1],
            "state_scalars": scalars, "param_groups": param_groups, "sensitivity": sensitivity}


def py_kwargs(kwargs):
    return {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()}


# ---- schedulers ---------------------------------------------------------------------------

def metrics():
    """The metric sequence fed to ReduceLROnPlateau: a noisy decrease that plateaus."""
    return [1.0 / (1.0 + 0.15 * t) + 0.04 * math.sin(1.7 * t) + (0.2 if 40 <= t < 45 else 0.0)
            for t in range(SCHED_STEPS)]


def sgd(lrs=(0.1,), momentum=0.9):
    p = torch.zeros(2, requires_grad=True)
    groups = [{"params": [torch.zeros(1, requires_grad=True) if i else p], "lr": lr} for i, lr in enumerate(lrs)]
    return optim.SGD(groups, lr=lrs[0], momentum=momentum)


def adam(lrs=(0.1,)):
    groups = [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.Adam(groups, lr=lrs[0])


# id -> (description, optimizer factory, scheduler factory). The TS test builds the same.
SCHEDULERS = {
    "lambda": (lambda: sgd((0.1, 0.05)),
               lambda o: sched.LambdaLR(o, [lambda e: 0.95 ** e, lambda e: 1.0 / (e + 1)])),
    "multiplicative": (lambda: sgd(), lambda o: sched.MultiplicativeLR(o, lambda e: 0.97)),
    "step": (lambda: sgd(), lambda o: sched.StepLR(o, step_size=7, gamma=0.5)),
    "step_default": (lambda: sgd((0.1, 0.2)), lambda o: sched.StepLR(o, 30)),
    "multistep": (lambda: sgd(), lambda o: sched.MultiStepLR(o, milestones=[10, 25, 25, 60], gamma=0.3)),
    "constant": (lambda: sgd(), lambda o: sched.ConstantLR(o, factor=0.25, total_iters=8)),
    "constant_default": (lambda: sgd(), lambda o: sched.ConstantLR(o)),
    "linear": (lambda: sgd(), lambda o: sched.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=12)),
    "linear_default": (lambda: sgd(), lambda o: sched.LinearLR(o)),
    "exponential": (lambda: sgd((0.1, 0.3)), lambda o: sched.ExponentialLR(o, gamma=0.96)),
    "polynomial": (lambda: sgd(), lambda o: sched.PolynomialLR(o, total_iters=40, power=2.0)),
    "polynomial_default": (lambda: sgd(), lambda o: sched.PolynomialLR(o)),
    "cosine": (lambda: sgd(), lambda o: sched.CosineAnnealingLR(o, T_max=20, eta_min=0.001)),
    "cosine_zero_min": (lambda: sgd((0.1, 0.02)), lambda o: sched.CosineAnnealingLR(o, T_max=33)),
    "warm_restarts": (lambda: sgd(), lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2, eta_min=1e-3)),
    "warm_restarts_constant": (lambda: sgd(), lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=10)),
    "cyclic_triangular": (lambda: sgd((0.1, 0.2)),
                          lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.3], step_size_up=6,
                                                   step_size_down=9)),
    "cyclic_triangular2": (lambda: sgd(), lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=5, mode="triangular2",
                                                                    base_momentum=0.7, max_momentum=0.95)),
    "cyclic_exp_range": (lambda: sgd(), lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=8, mode="exp_range",
                                                                  gamma=0.98)),
    "cyclic_no_momentum": (lambda: adam(), lambda o: sched.CyclicLR(o, 0.001, 0.01, step_size_up=4,
                                                                     cycle_momentum=False)),
    "onecycle_cos": (lambda: sgd(), lambda o: sched.OneCycleLR(o, max_lr=0.1, total_steps=100)),
    "onecycle_linear_three_phase": (lambda: adam((0.1, 0.2)),
                                    lambda o: sched.OneCycleLR(o, max_lr=[0.1, 0.2], total_steps=120, pct_start=0.25,
                                                               anneal_strategy="linear", three_phase=True)),
    "onecycle_epochs": (lambda: sgd(), lambda o: sched.OneCycleLR(o, max_lr=0.05, epochs=10, steps_per_epoch=11,
                                                                   div_factor=10.0, final_div_factor=100.0,
                                                                   base_momentum=0.8, max_momentum=0.9)),
    "sequential": (lambda: sgd(), lambda o: sched.SequentialLR(
        o, [sched.LinearLR(o, start_factor=0.1, total_iters=5), sched.ExponentialLR(o, gamma=0.9)], milestones=[5])),
    "sequential_three": (lambda: sgd((0.1, 0.05)), lambda o: sched.SequentialLR(
        o, [sched.ConstantLR(o, factor=0.5, total_iters=3), sched.CosineAnnealingLR(o, T_max=10),
            sched.StepLR(o, step_size=5, gamma=0.5)], milestones=[6, 30])),
    "chained": (lambda: sgd(), lambda o: sched.ChainedScheduler(
        [sched.ConstantLR(o, factor=0.5, total_iters=4), sched.ExponentialLR(o, gamma=0.9)])),
    "chained_cosine_step": (lambda: sgd(), lambda o: sched.ChainedScheduler(
        [sched.CosineAnnealingLR(o, T_max=15, eta_min=0.01), sched.StepLR(o, step_size=20, gamma=0.5)])),
    "plateau_min_rel": (lambda: sgd(), lambda o: sched.ReduceLROnPlateau(o, patience=3, factor=0.5)),
    "plateau_max_abs_cooldown": (lambda: sgd((0.1, 0.05)), lambda o: sched.ReduceLROnPlateau(
        o, mode="max", threshold_mode="abs", threshold=0.01, cooldown=2, patience=2, factor=0.3,
        min_lr=[0.01, 0.001])),
    "plateau_min_abs_eps": (lambda: sgd(), lambda o: sched.ReduceLROnPlateau(
        o, threshold_mode="abs", threshold=0.005, patience=1, factor=0.2, min_lr=1e-3, eps=1e-4)),
    "plateau_max_rel": (lambda: sgd(), lambda o: sched.ReduceLROnPlateau(o, mode="max", patience=4, cooldown=1)),
}


def momentum_of(group):
    if "momentum" in group:
        return group["momentum"]
    return group["betas"][0]


def run_scheduler(sid, make_opt, make_sched, ms):
    opt = make_opt()
    s = make_sched(opt)
    plateau = isinstance(s, sched.ReduceLROnPlateau)
    lrs = [[g["lr"] for g in opt.param_groups]]
    mom = [[momentum_of(g) for g in opt.param_groups]]
    for t in range(SCHED_STEPS):
        opt.step()
        if plateau:
            s.step(ms[t])
        else:
            s.step()
        lrs.append(list(s._last_lr if plateau else s.get_last_lr()))
        mom.append([momentum_of(g) for g in opt.param_groups])
    return {"lrs": lrs, "momenta": mom, "state_keys": sorted(s.state_dict().keys())}


def main():
    torch.set_num_threads(1)
    # SequentialLR steps its schedulers with an epoch argument, which warns in torch 1.13.
    warnings.filterwarnings("ignore", category=UserWarning, module="torch.optim.lr_scheduler")
    tensors = {}
    meta = {"torch": torch.__version__, "steps": STEPS, "cases": {}, "schedulers": {}}
    problem = make_problem()
    x, y, params = problem
    tensors["problem/x"] = x
    tensors["problem/y"] = y
    for i, p in enumerate(params):
        tensors[f"problem/p{i}"] = p
    failures = []
    for cid, name, kwargs, groups in CASES:
        for dtype in (torch.float32, torch.float64):
            full = cid if dtype == torch.float32 else f"{cid}_f64"
            try:
                meta["cases"][full] = run_case(full, name, kwargs, groups, dtype, problem, tensors)
            except Exception as e:  # report every failing case at once
                failures.append(f"{full}: {e}")
    ms = metrics()
    meta["plateau_metrics"] = ms
    for sid, (make_opt, make_sched) in SCHEDULERS.items():
        try:
            meta["schedulers"][sid] = run_scheduler(sid, make_opt, make_sched, ms)
        except Exception as e:
            failures.append(f"scheduler {sid}: {e}")
    os.makedirs(OUT_DIR, exist_ok=True)
    write_safetensors(os.path.join(OUT_DIR, "optim.safetensors"), tensors, {"torch": torch.__version__})
    tmp = os.path.join(OUT_DIR, "optim.json.tmp")
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(tmp, os.path.join(OUT_DIR, "optim.json"))
    print(f"optim fixtures: {len(meta['cases'])} optimizer runs, {len(meta['schedulers'])} schedulers")
    # A case whose own trajectory moves by more than rounding under a 1-ulp nudge cannot be
    # matched to 1e-6: pick better-conditioned options. LBFGS in float32 is the documented
    # exception (test/optim.test.ts holds it to 2x its sensitivity).
    for cid, c in meta["cases"].items():
        limit = 5e-7 if c["dtype"] == "float32" else 1e-12
        if c["sensitivity"] > limit:
            msg = f"{cid} moves {c['sensitivity']:.2e} under a 1-ulp nudge of its start"
            if c["optimizer"] == "LBFGS" and c["dtype"] == "float32":
                print(f"note: {msg} (expected for LBFGS in float32)")
            else:
                failures.append(f"ill-conditioned: {msg}")
    for msg in failures:
        print("FAILED", msg)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
