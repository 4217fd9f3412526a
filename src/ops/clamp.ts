// Clamping and NaN/infinity replacement: composites of comparisons and `where`, so their
// gradients follow from where's (the chosen operand gets the gradient) with no rule of their own.
import { DTypeError, ValueError } from '../errors.js';
import { scalarTensor } from '../tensor/create.js';
import { isFloat, resultType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';
import { asTensor, checkTensor, type TensorOrScalar } from './operands.js';

function checkBound(v: unknown, what: string): void {
  if (v === null || v === undefined || v instanceof Tensor || typeof v === 'number') return;
  throw new DTypeError('clamp', `expected ${what} to be a Tensor, a number or null, got ${typeof v}`);
}

/**
 * Limits every element to `[min, max]` (either bound may be omitted; bounds may be tensors that
 * broadcast): `min(max(x, min), max)`, so where `min > max` the result is `max`, and NaN
 * propagates. The gradient passes to `x` where `min <= x <= max` (inclusive, as in PyTorch),
 * and to a tensor bound where it was chosen.
 * @example nb.clamp(nb.tensor([-2, 0.5, 3]), -1, 1) // [-1, 0.5, 1]
 */
export function clamp(x: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  checkTensor('clamp', x);
  checkBound(min, 'min');
  checkBound(max, 'max');
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) {
    throw new ValueError('clamp', "expected at least one of 'min' or 'max' to be given, got neither");
  }
  const dtype = resultType(x, ...[lo, hi].filter((v) => v !== null));
  const t = x.to(dtype);
  // Bounds become tensors of the result dtype, so two JS scalars never meet (they would
  // promote to float32 and lose a float64 bound's precision).
  const L = lo === null ? null : asTensor(lo, dtype);
  const H = hi === null ? null : asTensor(hi, dtype);
  broadcastShapes('clamp', x.shape, ...[L, H].flatMap((b) => (b === null ? [] : [b.shape])));
  let inside: Tensor;
  let toLo: Tensor | null = null;
  let toHi: Tensor | null = null;
  // Nothing chosen means a NaN in x or a bound (the result is NaN), or x < min == max: PyTorch
  // gives no operand a gradient there, so the value max enters as a constant.
  let rest: Tensor = isFloat(dtype) ? scalarTensor(NaN, dtype) : t;
  if (L !== null && H !== null) {
    inside = t.ge(L).logicalAnd(t.le(H));
    // PyTorch 1.13's rule: min gets the gradient where x < min < max; max where x > max, or
    // everywhere once the bounds cross (max < min), since then the result is max throughout
    // (except at a NaN x: t.eq(t) is false there).
    toHi = t.gt(H).logicalOr(H.lt(L).logicalAnd(t.eq(t)));
    toLo = t.lt(L).logicalAnd(L.lt(H));
    rest = where(t.lt(L), H.detach(), rest);
  } else if (L !== null) {
    inside = t.ge(L);
    toLo = t.lt(L);
  } else {
    inside = t.le(H!);
    toHi = t.gt(H!);
  }
  if (toLo !== null) rest = where(toLo, L!, rest);
  if (toHi !== null) rest = where(toHi, H!, rest);
  return where(inside, t, rest);
}

/**
 * Alias of `clamp`: limits every element to `[min, max]`.
 * @example nb.clip(nb.tensor([-2, 3]), 0, 1) // [0, 1]
 */
export function clip(x: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  return clamp(x, min, max);
}

/** Options of `nanToNum`: the replacements (PyTorch's defaults). */
export interface NanToNumOptions {
  /** Replaces NaN. Default 0. */
  nan?: number;
  /** Replaces +Infinity. Default: the largest finite value of the dtype. */
  posinf?: number;
  /** Replaces -Infinity. Default: the most negative finite value of the dtype. */
  neginf?: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Replaces NaN, +Infinity and -Infinity by finite numbers. Integer and bool tensors have none
 * and come back as a copy. The gradient passes where `x` is finite and is 0 elsewhere.
 * @example nb.nanToNum(nb.tensor([NaN, Infinity, -1])) // [0, 3.4028e+38, -1]
 */
export function nanToNum(x: Tensor, opts: NanToNumOptions = {}): Tensor {
  checkTensor('nanToNum', x);
  for (const k of ['nan', 'posinf', 'neginf'] as const) {
    const v = opts[k];
    if (v !== undefined && v !== null && typeof v !== 'number') {
      throw new DTypeError('nanToNum', `expected ${k} to be a number, got ${typeof v}`);
    }
  }
  if (!isFloat(x.dtype)) return x.clone();
  const big = x.dtype === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  const c = (v: number) => scalarTensor(v, x.dtype);
  const nonFinite = where(x.isnan(), c(opts.nan ?? 0), where(x.gt(0), c(opts.posinf ?? big), c(opts.neginf ?? -big)));
  return where(x.isfinite(), x, nonFinite);
}
