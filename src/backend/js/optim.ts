import type { TypedArray } from '../../tensor/dtype.js';

/** A contiguous run `data[off, off + n)` (the length is passed separately). */
export interface Run {
  readonly data: TypedArray;
  readonly off: number;
}

/** Adam's hyperparameters for one step; `step` is the count after it. */
export interface AdamHyper {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly step: number;
}

/** The per-step constants of Adam, each rounded to the parameter dtype (`R`) as PyTorch holds them. */
export interface AdamConstants {
  /** 0: no weight decay, 1: added to the gradient (Adam), 2: decoupled (AdamW). */
  mode: 0 | 1 | 2;
  decay: number;
  wd: number;
  b1: number;
  c1: number;
  b2: number;
  c2: number;
  negStep: number;
  bc2Sqrt: number;
  eps: number;
}

/**
 * Adam's constants for a step: the bias corrections `1 - β^t` enter as the step size
 * `lr / (1 - β1^t)` and the denominator scale `√(1 - β2^t)`, as in PyTorch's single-tensor loop.
 */
export function adamConstants(h: AdamHyper, R: (x: number) => number): AdamConstants {
  return {
    mode: h.decoupled ? 2 : h.weightDecay !== 0 ? 1 : 0,
    decay: R(1 - h.lr * h.weightDecay),
    wd: R(h.weightDecay),
    b1: R(h.beta1),
    c1: R(1 - h.beta1),
    b2: R(h.beta2),
    c2: R(1 - h.beta2),
    negStep: R(-(h.lr / (1 - h.beta1 ** h.step))),
    bc2Sqrt: R(Math.sqrt(1 - h.beta2 ** h.step)),
    eps: R(h.eps),
  };
}

const identity = (x: number): number => x;

/**
 * One Adam/AdamW step in place, element by element in PyTorch's order:
 * `θ ← θ(1 - lr·λ)` (AdamW) or `g ← g + λθ` (Adam), `m ← β1·m + (1-β1)g`,
 * `v ← β2·v + (1-β2)g·g`, `v̂ ← max(v̂, v)` (AMSGrad), `θ ← θ - lr/(1-β1^t) · m / (√v̂/√(1-β2^t) + ε)`.
 * PyTorch runs each of these as its own float32 kernel, so a float32 parameter's values are
 * rounded (`R`) after every operation; `add(x, alpha)` and `addcmul` round once, which is why
 * some products stay unrounded. The wasm kernel reproduces these roundings exactly.
 */
export function adamStep(
  n: number,
  param: Run,
  grad: Run,
  expAvg: Run,
  expAvgSq: Run,
  maxExpAvgSq: Run | null,
  h: AdamHyper,
): void {
  const R = param.data instanceof Float32Array ? Math.fround : identity;
  const { mode, decay, wd, b1, c1, b2, c2, negStep, bc2Sqrt, eps } = adamConstants(h, R);
  const [w, g, m, v] = [param.data, grad.data, expAvg.data, expAvgSq.data];
  const [wo, go, mo, vo] = [param.off, grad.off, expAvg.off, expAvgSq.off];
  for (let i = 0; i < n; i++) {
    let wi = w[wo + i];
    let gi = g[go + i];
    if (mode === 2) wi = R(wi * decay);
    else if (mode === 1) gi = R(gi + wd * wi);
    const mi = R(R(m[mo + i] * b1) + c1 * gi);
    const vi = R(R(v[vo + i] * b2) + R(c2 * gi) * gi);
    m[mo + i] = mi;
    v[vo + i] = vi;
    let s = vi;
    if (maxExpAvgSq !== null) {
      const j = maxExpAvgSq.off + i;
      const prev = maxExpAvgSq.data[j];
      s = prev > vi || prev !== prev ? prev : vi;
      maxExpAvgSq.data[j] = s;
    }
    const denom = R(R(R(Math.sqrt(s)) / bc2Sqrt) + eps);
    w[wo + i] = R(wi + R(R(negStep * mi) / denom));
  }
}
