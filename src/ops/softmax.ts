// softmax, logSoftmax and softmin. The first two are one fused primitive each way
// (prims/softmax.ts), which subtracts the row maximum first so exp never overflows.
import { DTypeError } from '../errors.js';
import { checkDType, isFloat, type DType } from '../tensor/dtype.js';
import { normDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { neg } from './elementwise.js';
import { checkTensor } from './operands.js';
import { softmaxPrim } from './prims/softmax.js';

/** Options of `softmax` and `logSoftmax`: cast the input to `dtype` first. */
export interface SoftmaxOptions {
  dtype?: DType;
}

// The input in its compute dtype, through the primitive along the normalized dim.
function run(op: string, x: Tensor, dim: number, log: boolean, opts?: SoftmaxOptions): Tensor {
  checkTensor(op, x);
  const dtype = opts?.dtype === undefined ? x.dtype : checkDType(op, opts.dtype);
  if (!isFloat(dtype)) {
    throw new DTypeError(op, `expected a floating point input or a floating point dtype option, got ${dtype}`);
  }
  const src = x.to(dtype);
  return softmaxPrim(src, normDim(op, dim, src.ndim), log);
}

/**
 * softmax(x)_i = exp(x_i) / sum_j exp(x_j) along `dim`.
 * @example nb.softmax(nb.tensor([1, 2, 3]), 0) // [0.0900, 0.2447, 0.6652]
 */
export function softmax(x: Tensor, dim: number, opts?: SoftmaxOptions): Tensor {
  return run('softmax', x, dim, false, opts);
}

/**
 * logSoftmax(x)_i = x_i - log(sum_j exp(x_j)) along `dim`, without forming softmax (stable for
 * large and very negative inputs).
 * @example nb.logSoftmax(logits, -1)
 */
export function logSoftmax(x: Tensor, dim: number, opts?: SoftmaxOptions): Tensor {
  return run('logSoftmax', x, dim, true, opts);
}

/**
 * softmin(x)_i = exp(-x_i) / sum_j exp(-x_j) along `dim`: softmax of `-x`, so the smallest
 * entry gets the largest weight.
 * @example nb.softmin(nb.tensor([1, 2, 3]), 0) // [0.6652, 0.2447, 0.0900]
 */
export function softmin(x: Tensor, dim: number, opts?: SoftmaxOptions): Tensor {
  return softmax(neg(x), dim, opts);
}
