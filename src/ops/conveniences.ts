// Small conveniences that RCMLRS and neuronika users reach for: min-max and z-score scaling of a
// tensor, flat extrema with their position, and the products neuronika names mmT, vm and vv.
// All are composites of existing ops, so they need no gradient code.
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';
import { dot, matmul } from './linalg.js';
import { checkTensor } from './operands.js';
import { amax, amin } from './reduce.js';
import { argmax, argmin } from './select.js';
import { stdMean } from './stats.js';

export { normalize } from '../nn/functional/normalization.js';

function floatInput(op: string, x: unknown): Tensor {
  const t = checkTensor(op, x);
  if (!isFloat(t.dtype)) throw new DTypeError(op, `expected a floating point tensor, got ${t.dtype}`);
  return t;
}

// `num / den`, with 0 where `den` is 0 (a constant slice) instead of NaN, and a gradient that
// stays finite there.
function safeRatio(num: Tensor, den: Tensor): Tensor {
  const zero = den.eq(0);
  return where(zero, 0, num.div(where(zero, 1, den)));
}

/**
 * Rescales `x` to [0, 1]: `(x - min) / (max - min)`, over all elements or along `dim`
 * (RCMLRS's `min_max_norm`). A constant slice maps to 0 rather than NaN.
 * @example nb.minMaxNorm(nb.tensor([2, 4, 6])) // [0, 0.5, 1]
 */
export function minMaxNorm(x: Tensor, dim?: number | readonly number[]): Tensor {
  const t = floatInput('minMaxNorm', x);
  if (t.numel() === 0) return t.clone();
  const lo = amin(t, dim, { keepdim: true });
  const hi = amax(t, dim, { keepdim: true });
  return safeRatio(t.sub(lo), hi.sub(lo));
}

/**
 * Standardizes `x`: `(x - mean) / std`, over all elements or along `dim`, with the sample
 * standard deviation (`correction` 1, as RCMLRS's `z_score_norm` and `torch.std`). A constant
 * slice maps to 0 rather than NaN.
 * @example nb.zScoreNorm(nb.tensor([1, 2, 3])) // [-1, 0, 1]
 */
export function zScoreNorm(x: Tensor, dim?: number | readonly number[], opts?: { correction?: number }): Tensor {
  const t = floatInput('zScoreNorm', x);
  if (t.numel() === 0) return t.clone();
  const [sd, mu] = stdMean(t, dim, { correction: opts?.correction ?? 1, keepdim: true });
  return safeRatio(t.sub(mu), sd);
}

function extremum(op: 'findMin' | 'findMax', x: Tensor): { value: number; index: number } {
  const t = checkTensor(op, x);
  if (t.numel() === 0) throw new ValueError(op, `expected a non-empty tensor, got shape ${fmtShape(t.shape)}`);
  return noGrad(() => {
    const index = (op === 'findMin' ? argmin(t) : argmax(t)).item() as number;
    const value = t.reshape([-1]).select(0, index).item() as number;
    return { value, index };
  });
}

/**
 * The smallest element and its flat (row-major) index, the first one on ties; NaN counts as
 * smallest, as in `argmin`. (RCMLRS's `find_min`, which starts its search at 0, misses minima
 * above 0.)
 * @example nb.findMin(nb.tensor([[3, 1], [2, 1]])) // { value: 1, index: 1 }
 */
export function findMin(x: Tensor): { value: number; index: number } {
  return extremum('findMin', x);
}

/**
 * The largest element and its flat (row-major) index, the first one on ties; NaN counts as
 * largest.
 * @example nb.findMax(nb.tensor([[3, 5], [5, 1]])) // { value: 5, index: 1 }
 */
export function findMax(x: Tensor): { value: number; index: number } {
  return extremum('findMax', x);
}

/**
 * `a @ b^T` for matrices `a: [n, k]` and `b: [m, k]` (neuronika's `mm_t`), without copying `b`.
 * @example nb.mmT(nb.ones([2, 3]), nb.ones([4, 3])) // [2, 4], every element 3
 */
export function mmT(a: Tensor, b: Tensor): Tensor {
  checkTensor('mmT', a);
  checkTensor('mmT', b, 'other');
  if (a.ndim !== 2 || b.ndim !== 2 || a.shape[1] !== b.shape[1]) {
    throw new ShapeError(
      'mmT',
      `expected matrices [n, k] and [m, k] (same number of columns), got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    );
  }
  return matmul(a, b.t());
}

/**
 * Vector-matrix product `v @ m` for `v: [n]` and `m: [n, k]`, giving `[k]` (neuronika's `vm`).
 * @example nb.vm(nb.tensor([1, 2]), nb.tensor([[1, 0], [0, 1]])) // [1, 2]
 */
export function vm(v: Tensor, m: Tensor): Tensor {
  checkTensor('vm', v, 'vector');
  checkTensor('vm', m, 'matrix');
  if (v.ndim !== 1 || m.ndim !== 2 || v.shape[0] !== m.shape[0]) {
    throw new ShapeError(
      'vm',
      `expected a vector [n] and a matrix [n, k], got ${fmtShape(v.shape)} and ${fmtShape(m.shape)}`,
      [v.shape, m.shape],
    );
  }
  return matmul(v, m);
}

/**
 * Dot product of two vectors of equal length, a 0-d tensor (neuronika's `vv`; same as `dot`).
 * @example nb.vv(nb.tensor([1, 2]), nb.tensor([3, 4])) // 11
 */
export function vv(a: Tensor, b: Tensor): Tensor {
  checkTensor('vv', a);
  checkTensor('vv', b, 'other');
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      'vv',
      `expected two vectors of the same length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    );
  }
  return dot(a, b);
}
