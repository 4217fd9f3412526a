import { DTypeError } from '../errors.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { normDims } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';
import { checkTensor } from './operands.js';
import { emptyReductionError, extremumPrim, prodPrim, sumPrim } from './prims/reduce.js';

/** Options of reductions: keep reduced dims as size 1, and (for sums) the accumulation dtype. */
export interface ReduceOptions {
  keepdim?: boolean;
  dtype?: DType;
}

/** Options of reductions that only keep or drop the reduced dims. */
export interface KeepdimOptions {
  keepdim?: boolean;
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

// Integers and bools add up and multiply as int32 (PyTorch: int64).
function accumType(x: Tensor, dtype: DType | undefined): DType {
  return dtype ?? (isFloat(x.dtype) ? x.dtype : 'int32');
}

/**
 * Sum over `dim` (one, several, or all); an empty reduction gives 0. Integer and bool inputs
 * sum as int32.
 * @example x.sum(); x.sum(1, { keepdim: true }); x.sum([0, 2])
 */
export function sum(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  checkTensor('sum', x);
  const dims = reduceDims('sum', x, dim);
  return dropDims(sumPrim(x, dims, accumType(x, opts?.dtype)), dims, opts?.keepdim);
}

function floatType(op: string, x: Tensor, dtype: DType | undefined): DType {
  const d = dtype ?? x.dtype;
  if (!isFloat(d)) {
    throw new DTypeError(op, `could not infer output dtype; input dtype must be floating point, got ${x.dtype}`);
  }
  return d;
}

/**
 * Mean over `dim` (one, several, or all); floating-point input only, as in PyTorch. An empty
 * reduction gives NaN.
 * @example x.mean(0)
 */
export function mean(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  checkTensor('mean', x);
  const dtype = floatType('mean', x, opts?.dtype);
  const dims = reduceDims('mean', x, dim);
  let count = 1;
  for (const d of dims) count *= x.shape[d];
  return sum(x, dims, { keepdim: opts?.keepdim, dtype }).div(count);
}

/**
 * Sum over `dim` treating NaN as 0.
 * @example nb.nansum(nb.tensor([1, NaN, 2])) // 3
 */
export function nansum(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  checkTensor('nansum', x);
  return sum(isFloat(x.dtype) ? where(x.isnan(), 0, x) : x, dim, opts);
}

/**
 * Mean of the non-NaN elements over `dim`: nansum(x) / count(not NaN).
 * @example nb.nanmean(nb.tensor([1, NaN, 2])) // 1.5
 */
export function nanmean(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  checkTensor('nanmean', x);
  const dtype = floatType('nanmean', x, opts?.dtype);
  const src = x.to(dtype);
  const count = src.isnan().logicalNot().sum(dim, { keepdim: opts?.keepdim, dtype });
  return nansum(src, dim, opts).div(count);
}

/**
 * Product over `dim` (one, several, or all); an empty reduction gives 1. The gradient is exact
 * when elements are zero (no division by x). Integer and bool inputs multiply as int32.
 * @example nb.prod(nb.tensor([[1, 2], [3, 4]]), 1) // [2, 12]
 */
export function prod(x: Tensor, dim?: number | readonly number[], opts?: ReduceOptions): Tensor {
  checkTensor('prod', x);
  const dims = reduceDims('prod', x, dim);
  return dropDims(prodPrim(x, dims, accumType(x, opts?.dtype)), dims, opts?.keepdim);
}

// The largest or smallest value over `dim`; PyTorch's error on an empty reduction.
function extremum(op: 'amax' | 'amin', x: Tensor, dim: number | readonly number[] | undefined, keepdim?: boolean) {
  checkTensor(op, x);
  const all = dim === undefined || (Array.isArray(dim) && dim.length === 0);
  if (all && x.numel() === 0) throw emptyReductionError(op, x.shape);
  const dims = reduceDims(op, x, dim);
  for (const d of dims) if (x.shape[d] === 0) throw emptyReductionError(op, x.shape, d);
  return dropDims(extremumPrim(op, x, dims), dims, keepdim);
}

/**
 * Largest value over `dim` (all dims by default); NaN propagates; ties share the gradient evenly.
 * @example x.amax(1)
 */
export function amax(x: Tensor, dim?: number | readonly number[], opts?: KeepdimOptions): Tensor {
  return extremum('amax', x, dim, opts?.keepdim);
}

/** Smallest value over `dim` (all dims by default); NaN propagates. @example x.amin(1) */
export function amin(x: Tensor, dim?: number | readonly number[], opts?: KeepdimOptions): Tensor {
  return extremum('amin', x, dim, opts?.keepdim);
}

// How many elements of each reduction group are nonzero (NaN counts as nonzero), as int32.
function countTrue(mask: Tensor, dims: readonly number[], keepdim: boolean | undefined): Tensor {
  return dropDims(sumPrim(mask, dims, 'int32'), dims, keepdim);
}

/**
 * Whether every element over `dim` is nonzero (bool); true for an empty reduction.
 * @example nb.all(nb.tensor([[true, false], [true, true]]), 1) // [false, true]
 */
export function all(x: Tensor, dim?: number | readonly number[], opts?: KeepdimOptions): Tensor {
  checkTensor('all', x);
  const dims = reduceDims('all', x, dim);
  return countTrue(x.eq(0), dims, opts?.keepdim).eq(0);
}

/**
 * Whether any element over `dim` is nonzero (bool); false for an empty reduction.
 * @example nb.any(x.isnan())
 */
export function any(x: Tensor, dim?: number | readonly number[], opts?: KeepdimOptions): Tensor {
  checkTensor('any', x);
  const dims = reduceDims('any', x, dim);
  return countTrue(x.ne(0), dims, opts?.keepdim).gt(0);
}

/**
 * Number of nonzero elements over `dim` (all by default), as int32 (PyTorch: int64).
 * @example nb.countNonzero(nb.tensor([[0, 1], [2, 3]]), 0) // [1, 2]
 */
export function countNonzero(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor('countNonzero', x);
  return countTrue(x.ne(0), reduceDims('countNonzero', x, dim), false);
}
