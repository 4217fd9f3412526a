import { isFloat, type DType } from '../tensor/dtype.js';
import { normDim } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './operands.js';
import { cumprodPrim, cumsumPrim } from './prims/scan.js';

/** Options of cumulative ops: the dtype to compute and return in. */
export interface ScanOptions {
  dtype?: DType;
}

function scan(op: 'cumsum' | 'cumprod', x: Tensor, dim: number, opts?: ScanOptions): Tensor {
  checkTensor(op, x);
  const d = normDim(op, dim, x.ndim);
  // Integers and bools accumulate as int32 (PyTorch: int64).
  const dtype = opts?.dtype ?? (isFloat(x.dtype) ? x.dtype : 'int32');
  const prim = op === 'cumsum' ? cumsumPrim : cumprodPrim;
  if (x.ndim === 0) return prim(x.reshape([1]), 0, dtype).reshape([]);
  return prim(x, d, dtype);
}

/**
 * Running sum along `dim`: y_i = x_0 + ... + x_i.
 * @example nb.cumsum(nb.tensor([1, 2, 3]), 0) // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number, opts?: ScanOptions): Tensor {
  return scan('cumsum', x, dim, opts);
}

/**
 * Running product along `dim`: y_i = x_0 * ... * x_i. The gradient is exact when elements are
 * zero (it never divides by x).
 * @example nb.cumprod(nb.tensor([1, 2, 3]), 0) // [1, 2, 6]
 */
export function cumprod(x: Tensor, dim: number, opts?: ScanOptions): Tensor {
  return scan('cumprod', x, dim, opts);
}
