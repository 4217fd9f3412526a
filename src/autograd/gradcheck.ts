import { BackwardNotSupportedError, DTypeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { grad } from './engine.js';
import { full } from '../tensor/create.js';

/** Options of `gradcheck`: PyTorch's defaults. */
export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance. Default 1e-3. */
  rtol?: number;
  /** Throw with details on failure (default), or return `false`. */
  raiseException?: boolean;
  /**
   * Check one random projection of each output instead of the full Jacobian: one backward pass
   * per output, and two evaluations per input element (PyTorch's `fast_mode`).
   */
  fast?: boolean;
}

function elementIndices(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (dim: number, off: number) => {
    if (dim === t.ndim) {
      out.push(off);
      return;
    }
    for (let i = 0; i < t.shape[dim]; i++) walk(dim + 1, off + i * t.strides[dim]);
  };
  if (t.numel() > 0) walk(0, t.offset);
  return out;
}

function outputsOf(fn: (...xs: Tensor[]) => Tensor | readonly Tensor[], inputs: readonly Tensor[]): Tensor[] {
  const r = fn(...inputs);
  return Array.isArray(r) ? [...(r as readonly Tensor[])] : [r as Tensor];
}

/**
 * Compares the gradients autograd computes for `fn` with central finite differences, element by
 * element of the Jacobian, for every input that requires grad. Inputs should be float64.
 * Passes when `|analytic - numeric| <= atol + rtol * |numeric|` everywhere.
 * @example
 * nb.gradcheck((t) => t.sigmoid().mul(t).sum(), [nb.randn([3, 3], { dtype: 'float64', requiresGrad: true })]); // true
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const diff = inputs.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype !== 'float64') {
      if (opts.raiseException === false) return false;
      throw new DTypeError(
        'gradcheck',
        `expected float64 inputs that require grad (float32 is too coarse), got ${t.dtype}`,
      );
    }
  }
  const outs = outputsOf(fn, inputs);
  if (opts.fast) return fastCheck(fn, inputs, diff, outs, eps, atol, rtol, opts.raiseException !== false);
  // Numeric Jacobian, one column per input element: 2 evaluations each, all outputs at once.
  const numeric: Float64Array[][][] = diff.map((x) => elementIndices(x).map(() => [] as Float64Array[]));
  for (let ii = 0; ii < diff.length; ii++) {
    const data = diff[ii].storage.data;
    elementIndices(diff[ii]).forEach((p, e) => {
      const orig = data[p];
      data[p] = orig + eps;
      const plus = outputsOf(fn, inputs).map((o) => o.data());
      data[p] = orig - eps;
      const minus = outputsOf(fn, inputs).map((o) => o.data());
      data[p] = orig;
      numeric[ii][e] = plus.map((pl, oi) => {
        const col = new Float64Array(pl.length);
        for (let k = 0; k < pl.length; k++) col[k] = (pl[k] - minus[oi][k]) / (2 * eps);
        return col;
      });
    });
  }
  // Analytic Jacobian, one row per output element: a backward pass each.
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi];
    if (!out.requiresGrad) continue;
    const n = out.numel();
    for (let k = 0; k < n; k++) {
      const gOut = full(out.shape, 0, { dtype: out.dtype });
      gOut.storage.data[k] = 1;
      const rows = grad([out], diff, {
        gradOutputs: gOut,
        retainGraph: true,
        allowUnused: true,
        materializeGrads: true,
      });
      for (let ii = 0; ii < diff.length; ii++) {
        const x = diff[ii];
        const analytic = rows[ii]!.data();
        for (let e = 0; e < analytic.length; e++) {
          const num = numeric[ii][e][oi][k];
          const a = analytic[e];
          if (!(Math.abs(a - num) <= atol + rtol * Math.abs(num))) {
            if (opts.raiseException === false) return false;
            throw new BackwardNotSupportedError(
              'gradcheck',
              `Jacobian mismatch for output ${oi} element ${k} (of ${fmtShape(out.shape)}) with respect to input ${inputs.indexOf(x)} element ${e} (of ${fmtShape(x.shape)}): analytical ${a}, numerical ${num}`,
            );
          }
        }
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: runs `gradcheck` on the function that maps the inputs to the
 * gradients of `fn` (computed with `createGraph: true` against a fixed random output gradient).
 * Gradient rules are written with differentiable ops, so this should pass wherever `fn` is
 * twice differentiable.
 * @example nb.gradgradcheck((t) => t.tanh().sum(), [nb.randn([3], { dtype: 'float64', requiresGrad: true })]); // true
 */
export function gradgradcheck(
  fn: (...xs: Tensor[]) => Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): boolean {
  const first = outputsOf(fn, inputs).filter((o) => o.requiresGrad);
  // A fixed, deterministic output gradient with distinct entries (not all ones, which can hide
  // symmetric mistakes).
  const gOut = first.map((o) => {
    const g = full(o.shape, 0, { dtype: o.dtype });
    for (let i = 0; i < g.storage.data.length; i++) g.storage.data[i] = 0.5 + ((i * 7) % 5) / 4;
    return g;
  });
  const diff = inputs.filter((t) => t.requiresGrad);
  const firstGrads = (...xs: Tensor[]) => {
    const outs = outputsOf(fn, xs).filter((o) => o.requiresGrad);
    const ins = xs.filter((t) => t.requiresGrad);
    return grad(outs, ins, {
      gradOutputs: gOut,
      createGraph: true,
      allowUnused: true,
      materializeGrads: true,
    }) as Tensor[];
  };
  if (diff.length === 0 || first.length === 0) return true;
  return gradcheck(firstGrads, inputs, opts);
}

// v^T J against finite differences of v^T f: one backward per output.
function fastCheck(
  fn: (...xs: Tensor[]) => Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  diff: readonly Tensor[],
  outs: readonly Tensor[],
  eps: number,
  atol: number,
  rtol: number,
  raise: boolean,
): boolean {
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi];
    if (!out.requiresGrad) continue;
    const v = full(out.shape, 0, { dtype: out.dtype });
    for (let i = 0; i < v.storage.data.length; i++) v.storage.data[i] = 0.5 + ((i * 7) % 5) / 4;
    const vd = v.storage.data;
    const dot = (t: Tensor) => {
      const d = t.data();
      let s = 0;
      for (let i = 0; i < d.length; i++) s += d[i] * vd[i];
      return s;
    };
    const rows = grad([out], diff, { gradOutputs: v, retainGraph: true, allowUnused: true, materializeGrads: true });
    for (let ii = 0; ii < diff.length; ii++) {
      const x = diff[ii];
      const data = x.storage.data;
      const idx = elementIndices(x);
      const analytic = rows[ii]!.data();
      for (let e = 0; e < idx.length; e++) {
        const p = idx[e];
        const orig = data[p];
        data[p] = orig + eps;
        const plus = dot(outputsOf(fn, inputs)[oi]);
        data[p] = orig - eps;
        const minus = dot(outputsOf(fn, inputs)[oi]);
        data[p] = orig;
        const numeric = (plus - minus) / (2 * eps);
        if (!(Math.abs(analytic[e] - numeric) <= atol + rtol * Math.abs(numeric))) {
          if (!raise) return false;
          throw new BackwardNotSupportedError(
            'gradcheck',
            `projected Jacobian mismatch for output ${oi} (of ${fmtShape(out.shape)}) with respect to input ${inputs.indexOf(x)} element ${e} (of ${fmtShape(x.shape)}): analytical ${analytic[e]}, numerical ${numeric}`,
          );
        }
      }
    }
  }
  return true;
}
