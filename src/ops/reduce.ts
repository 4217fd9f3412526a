import { DTypeError, ValueError } from '../errors.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { normDims } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { extremumPrim, sumPrim } from './prims/reduce.js';

/** Options of reductions: keep reduced dims as size 1, and (for sums) the accumulation dtype. */
export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

/** Dims to reduce: all when `dim` is undefined or an empty list (PyTorch's convention). */
export function reduceDims(op: string, x: Tensor, dim: number | readonly number[] | undefined): number[] {
  if (dim === undefined || (Array.isArray(dim) && dim.length === 0)) return normDims(op, undefined, x.ndim);
  return normDims(op, dim, x.ndim);
}

/** Drops the reduced (size-1) dims unless `keepdim`. */
export function dropDims(y: Tensor, dims: readonly number[], keepdim: boolean | undefined): Tensor {
  if (keepdim || dims.length === 0) return y;
  return y.reshape(y.shape.filter((_, i) => !dims.includes(i)));
}

/**
 * Sum over `dim` (one, several, or all). Integer and bool inputs sum as int32.
 * @example x.sum(); x.sum(1, { keepdim: true }); x.sum([0, 2])
 */
export function sum(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  const dims = reduceDims('sum', x, dim);
  const dtype = opts?.dtype ?? (isFloat(x.dtype) ? x.dtype : 'int32');
  return dropDims(sumPrim(x, dims, dtype), dims, opts?.keepdim);
}

/**
 * Mean over `dim` (one, several, or all); floating-point input only, as in PyTorch.
 * @example x.mean(0)
 */
export function mean(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  const dtype = opts?.dtype ?? x.dtype;
  if (!isFloat(dtype)) {
    throw new DTypeError('mean', `could not infer output dtype; input dtype must be floating point, got ${x.dtype}`);
  }
  const dims = reduceDims('mean', x, dim);
  let count = 1;
  for (const d of dims) count *= x.shape[d];
  return sum(x, dims, { keepdim: opts?.keepdim, dtype }).div(count);
}

function extremum(
  op: 'amax' | 'amin',
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepdim?: boolean,
): Tensor {
  const dims = reduceDims(op, x, dim);
  for (const d of dims) {
    if (x.shape[d] === 0) {
      throw new ValueError(
        op,
        `expected a non-empty dim to reduce, got size 0 at dim ${d} (the operation has no identity)`,
      );
    }
  }
  if (x.numel() === 0 && dims.length === 0) throw new ValueError(op, 'expected a non-empty tensor');
  return dropDims(extremumPrim(op, x, dims), dims, keepdim);
}

/** Largest value over `dim` (all dims by default); ties share the gradient. @example x.amax(1) */
export function amax(x: Tensor, dim?: number | readonly number[], opts?: { keepdim?: boolean }): Tensor {
  return extremum('amax', x, dim, opts?.keepdim);
}

/** Smallest value over `dim` (all dims by default). @example x.amin(1) */
export function amin(x: Tensor, dim?: number | readonly number[], opts?: { keepdim?: boolean }): Tensor {
  return extremum('amin', x, dim, opts?.keepdim);
}
