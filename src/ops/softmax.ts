// softmax and logSoftmax: composites with the row maximum subtracted first, so exp never
// overflows. The maximum is a constant for the gradient (softmax does not depend on it), which
// also keeps ties in the maximum from mattering.
import { DTypeError } from '../errors.js';
import { checkDType, isFloat, type DType } from '../tensor/dtype.js';
import { normDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { amax } from './reduce.js';

/** Options of `softmax` and `logSoftmax`: cast the input to `dtype` first. */
export interface SoftmaxOptions {
  dtype?: DType;
}

// The input in its compute dtype, the normalized dim, and x minus its (detached) maximum.
function shifted(op: string, x: Tensor, dim: number, opts?: SoftmaxOptions): { z: Tensor; d: number } {
  checkTensor(op, x);
  const dtype = opts?.dtype === undefined ? x.dtype : checkDType(op, opts.dtype);
  if (!isFloat(dtype)) {
    throw new DTypeError(op, `expected a floating point input or a floating point dtype option, got ${dtype}`);
  }
  const src = x.to(dtype);
  const d = normDim(op, dim, src.ndim);
  if (src.ndim > 0 && src.shape[d] === 0) return { z: src, d };
  const m = amax(src.detach(), d, { keepdim: true });
  return { z: src.sub(m), d };
}

/**
 * softmax(x)_i = exp(x_i) / sum_j exp(x_j) along `dim`.
 * @example nb.softmax(nb.tensor([1, 2, 3]), 0) // [0.0900, 0.2447, 0.6652]
 */
export function softmax(x: Tensor, dim: number, opts?: SoftmaxOptions): Tensor {
  const { z, d } = shifted('softmax', x, dim, opts);
  const e = z.exp();
  return e.div(e.sum(d, { keepdim: true }));
}

/**
 * logSoftmax(x)_i = x_i - log(sum_j exp(x_j)) along `dim`, without forming softmax (stable for
 * large and very negative inputs).
 * @example nb.logSoftmax(logits, -1)
 */
export function logSoftmax(x: Tensor, dim: number, opts?: SoftmaxOptions): Tensor {
  const { z, d } = shifted('logSoftmax', x, dim, opts);
  return z.sub(z.exp().sum(d, { keepdim: true }).log());
}
