// Statistics and norms built from sums and extrema: var, std, varMean, stdMean, logsumexp, norm.
// All are composites; the only care taken is where a plain formula would give NaN gradients or
// overflow.
import { DTypeError, UnsupportedOpError, ValueError } from '../errors.js';
import { zeros } from '../tensor/create.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';
import { checkTensor } from './operands.js';
import { amax, amin, dropDims, mean, reduceDims, type KeepdimOptions } from './reduce.js';

/** Options of `var` and `std`: the divisor is `N - correction` (Bessel's correction by default). */
export interface VarOptions {
  /** Subtracted from the number of elements in the divisor; default 1 (PyTorch's `unbiased`). */
  correction?: number;
  keepdim?: boolean;
}

/**
 * `s^(1/p)` with gradient 0 where `zero` holds (default `s = 0`), PyTorch's choice for norms and std at a constant or
 * zero input; a plain root would give `inf * 0 = NaN` there.
 */
function safeRoot(s: Tensor, p: number, zero: Tensor = s.eq(0)): Tensor {
  const safe = where(zero, 1, s);
  return where(zero, 0, p === 2 ? safe.sqrt() : safe.pow(1 / p));
}

// Variance and mean with dims kept as size 1.
function moments(op: string, x: Tensor, dim: number | readonly number[] | undefined, opts?: VarOptions) {
  checkTensor(op, x);
  if (!isFloat(x.dtype)) {
    throw new DTypeError(
      op,
      `expected a floating point input (std and var only support floating point dtypes), got ${x.dtype}`,
    );
  }
  const correction = opts?.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) {
    throw new ValueError(op, `expected a finite number for correction, got ${String(correction)}`);
  }
  const dims = reduceDims(op, x, dim);
  let n = 1;
  for (const d of dims) n *= x.shape[d];
  const mu = mean(x, dims, { keepdim: true });
  // Two passes (subtract the mean first) keep the result accurate when the mean is large.
  const v = x
    .sub(mu)
    .square()
    .sum(dims, { keepdim: true })
    .div(Math.max(0, n - correction));
  return { v, mu, dims };
}

/**
 * Variance over `dim` (one, several, or all): sum((x - mean)^2) / (N - correction).
 * @example nb.var(x, 1, { correction: 0 })
 */
function variance(x: Tensor, dim?: number | readonly number[], opts?: VarOptions): Tensor {
  const { v, dims } = moments('var', x, dim, opts);
  return dropDims(v, dims, opts?.keepdim);
}
export { variance as var };

/**
 * Standard deviation over `dim`: sqrt(var); its gradient is 0 where it is 0 (a constant slice),
 * as in PyTorch.
 * @example nb.std(x, 0)
 */
export function std(x: Tensor, dim?: number | readonly number[], opts?: VarOptions): Tensor {
  const { v, dims } = moments('std', x, dim, opts);
  return dropDims(safeRoot(v, 2), dims, opts?.keepdim);
}

/**
 * Variance and mean over `dim` in one call, as `[var, mean]`.
 * @example const [v, m] = nb.varMean(x, 1);
 */
export function varMean(x: Tensor, dim?: number | readonly number[], opts?: VarOptions): [Tensor, Tensor] {
  const { v, mu, dims } = moments('varMean', x, dim, opts);
  return [dropDims(v, dims, opts?.keepdim), dropDims(mu, dims, opts?.keepdim)];
}

/**
 * Standard deviation and mean over `dim` in one call, as `[std, mean]`.
 * @example const [s, m] = nb.stdMean(x, 1);
 */
export function stdMean(x: Tensor, dim?: number | readonly number[], opts?: VarOptions): [Tensor, Tensor] {
  const { v, mu, dims } = moments('stdMean', x, dim, opts);
  return [dropDims(safeRoot(v, 2), dims, opts?.keepdim), dropDims(mu, dims, opts?.keepdim)];
}

/**
 * log(sum(exp(x))) over `dim` (all dims when absent), computed as m + log(sum(exp(x - m))) with
 * m the (finite) maximum, so large inputs do not overflow; a slice of all -inf gives -inf and a
 * +inf element gives +inf. Integer input computes in float32.
 * @example nb.logsumexp(nb.tensor([1000, 1000]), 0) // 1000.6931
 */
export function logsumexp(x: Tensor, dim?: number | readonly number[], opts?: KeepdimOptions): Tensor {
  checkTensor('logsumexp', x);
  const src = isFloat(x.dtype) ? x : x.to('float32');
  const dims = reduceDims('logsumexp', src, dim);
  let m: Tensor;
  if (dims.some((d) => src.shape[d] === 0)) {
    m = zeros(
      src.shape.map((s, i) => (dims.includes(i) ? 1 : s)),
      { dtype: src.dtype },
    );
  } else {
    // The shift is a constant for the gradient; infinite maxima shift by 0 (inf - inf = NaN).
    const top = amax(src.detach(), dims, { keepdim: true });
    m = where(top.isinf(), 0, top);
  }
  const y = src.sub(m).exp().sum(dims, { keepdim: true }).log().add(m);
  return dropDims(y, dims, opts?.keepdim);
}

/** Which norm: a number p (including Infinity, -Infinity and 0) or 'fro' (same as 2). */
export type NormOrder = number | 'fro';

/**
 * Vector p-norm over `dim` (all elements when absent): (sum |x|^p)^(1/p); `Infinity` is
 * max |x|, `-Infinity` min |x|, 0 counts nonzeros, `'fro'` (the default, as PyTorch) is 2.
 * At the zero vector the gradient is 0, as in PyTorch.
 * @example nb.norm(nb.tensor([3, 4])) // 5
 */
export function norm(x: Tensor, p: NormOrder = 'fro', dim?: number | readonly number[], opts?: KeepdimOptions): Tensor {
  checkTensor('norm', x);
  if (!isFloat(x.dtype)) {
    throw new DTypeError('norm', `expected input dtype to be floating point, got ${x.dtype}`);
  }
  if (p === ('nuc' as unknown)) throw new UnsupportedOpError('norm', "the nuclear norm (p = 'nuc') is not supported");
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) {
    throw new ValueError('norm', `expected p to be a number or 'fro', got ${String(p)}`);
  }
  const dims = reduceDims('norm', x, dim);
  const keepdim = opts?.keepdim;
  if (p === 1) return x.abs().sum(dims, { keepdim });
  if (p === Infinity) return amax(x.abs(), dims, { keepdim });
  if (p === -Infinity) return amin(x.abs(), dims, { keepdim });
  if (p === 0) return x.ne(0).sum(dims, { keepdim, dtype: x.dtype });
  const q = p === 'fro' ? 2 : p;
  const powSum = (t: Tensor) => (q === 2 ? t.square() : t.abs().pow(q)).sum(dims, { keepdim: true });
  // An all-zero group is replaced by ones before |x|^q, whose derivative is infinite at 0 for
  // q < 1, and its result by 0: the gradient there is 0, as in PyTorch.
  const zero = powSum(x.detach()).eq(0);
  return dropDims(safeRoot(powSum(where(zero, 1, x)), q, zero), dims, keepdim);
}
