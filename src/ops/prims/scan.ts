import { kernels } from '../../backend/index.js';
import type { ScanOp } from '../../backend/types.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { full } from '../../tensor/create.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { catPrim } from './cat.js';
import { flipPrim } from './flip.js';

// Runs a scan kernel on `src` (already of the result dtype).
function runScan(op: ScanOp, src: Tensor, dim: number): Tensor {
  const out = allocate(src.dtype, src.numel());
  if (out.length > 0) kernels()[op](src.strided(), dim, out);
  return fromArray(out, src.shape, src.dtype);
}

/**
 * `t` moved by `s` places along `dim`: toward lower indices when `s > 0`
 * (`out[k] = t[k + s]`), higher when `s < 0`; vacated places hold `fill`.
 */
export function shift(t: Tensor, dim: number, s: number, fill: number): Tensor {
  const n = t.shape[dim];
  const k = Math.min(Math.abs(s), n);
  const padShape = t.shape.map((size, i) => (i === dim ? k : size));
  const pad = full(padShape, fill, { dtype: t.dtype });
  if (k === n) return pad;
  if (k === 0) return t;
  return s > 0 ? catPrim([t.narrow(dim, k, n - k), pad], dim) : catPrim([pad, t.narrow(dim, 0, n - k)], dim);
}

/**
 * Solves `h[k] = a[k] h[k+1] + b[k]` from the end (`h[n] = 0`) by recursive doubling: after a
 * round of span S, `h[k] = A[k] h[k+S] + B[k]`. log2(n) rounds of elementwise ops, so it needs
 * no division and differentiates like any composite.
 */
export function reverseLinearScan(a: Tensor, b: Tensor, dim: number): Tensor {
  const n = a.shape[dim];
  let A = a;
  let B = b;
  for (let s = 1; s < n; s *= 2) {
    B = A.mul(shift(B, dim, s, 0)).add(B);
    if (2 * s < n) A = A.mul(shift(A, dim, s, 1));
  }
  return B;
}

/** Cumulative sum along `dim`, in `dtype`. d = reverse cumulative sum of dy. */
export function cumsumPrim(x: Tensor, dim: number, dtype: DType): Tensor {
  const src = x.dtype === dtype ? x : x.to(dtype);
  const y = runScan('cumsum', src, dim);
  return record('cumsum', y, [src], (dy) => [flipPrim(cumsumPrim(flipPrim(dy, [dim]), dim, dy.dtype), [dim])]);
}

/** `prod_{j<k} x[j]` along `dim` (1 at the start). */
export function exclusiveCumprod(x: Tensor, dim: number): Tensor {
  return shift(cumprodPrim(x, dim, x.dtype), dim, -1, 1);
}

/**
 * Cumulative product along `dim`, in `dtype`. Exact with any number of zeros, as nothing is
 * divided by x: dx[k] = (prod_{j<k} x[j]) R[k] with R[k] = dy[k] + x[k+1] R[k+1].
 */
export function cumprodPrim(x: Tensor, dim: number, dtype: DType): Tensor {
  const src = x.dtype === dtype ? x : x.to(dtype);
  const y = runScan('cumprod', src, dim);
  return record(
    'cumprod',
    y,
    [src],
    (dy, [sx, sy]) => [shift(sy, dim, -1, 1).mul(reverseLinearScan(shift(sx, dim, 1, 0), dy, dim))],
    [src, y],
  );
}
