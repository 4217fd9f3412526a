// Reductions that pick elements: max/min with a dim, argmax/argmin, median, sort, argsort, topk.
// The chosen values are read at the chosen indices (gatherPrim), so their gradient goes to
// exactly those elements, as in PyTorch.
import { IndexError } from '../errors.js';
import { full } from '../tensor/create.js';
import { isFloat } from '../tensor/dtype.js';
import { normDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { maximum, minimum, where } from './elementwise.js';
import { checkTensor } from './operands.js';
import { argExtremumPrim, sortPrim } from './prims/argreduce.js';
import { gatherPrim } from './prims/gather.js';
import { emptyReductionError } from './prims/reduce.js';
import { amax, amin, any, type KeepdimOptions } from './reduce.js';

/** The result of a reduction that picks elements: their values and int32 positions along `dim`. */
export interface ValuesAndIndices {
  values: Tensor;
  indices: Tensor;
}

// A 0-d tensor is treated as a 1-element vector (PyTorch accepts dim 0 or -1 for it).
function asVector(x: Tensor): Tensor {
  return x.ndim === 0 ? x.reshape([1]) : x;
}

function nonEmpty(op: string, x: Tensor, d: number): void {
  if (x.shape[d] === 0) throw emptyReductionError(op, x.shape, d);
}

// Values at the indices `choose` picks along `d` (returned with `d` kept as size 1).
function pickAlong(
  op: string,
  x: Tensor,
  dim: number,
  keepdim: boolean | undefined,
  choose: (x: Tensor, d: number) => Tensor,
): ValuesAndIndices {
  const d = normDim(op, dim, x.ndim);
  const v = asVector(x);
  nonEmpty(op, v, d);
  const indices = choose(v, d);
  const values = gatherPrim(v, d, indices);
  if (x.ndim === 0) return { values: values.reshape([]), indices: indices.reshape([]) };
  return keepdim ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) };
}

type MaxMin = {
  (x: Tensor): Tensor;
  (x: Tensor, dim: number, opts?: KeepdimOptions): ValuesAndIndices;
  (x: Tensor, other: Tensor): Tensor;
  (x: Tensor, dim?: number | Tensor, opts?: KeepdimOptions): Tensor | ValuesAndIndices;
};

function maxMin(op: 'max' | 'min'): MaxMin {
  const arg = op === 'max' ? 'argmax' : 'argmin';
  return ((x: Tensor, dim?: number | Tensor, opts?: KeepdimOptions): Tensor | ValuesAndIndices => {
    checkTensor(op, x);
    if (dim instanceof Tensor) return op === 'max' ? maximum(x, dim) : minimum(x, dim);
    if (dim === undefined) {
      if (x.numel() === 0) throw emptyReductionError(op, x.shape);
      return op === 'max' ? amax(x) : amin(x);
    }
    return pickAlong(op, x, dim, opts?.keepdim, (v, d) => argExtremumPrim(arg, v, d));
  }) as MaxMin;
}

/**
 * Without `dim`, the largest element (same as `amax`, ties share the gradient); with `dim`,
 * `{ values, indices }` of the largest element of each slice (first on ties; NaN counts as
 * largest), the gradient going to that element; with a tensor, `maximum(x, other)`.
 * @example const { values, indices } = nb.max(x, 1);
 */
export const max: MaxMin = maxMin('max');

/**
 * Without `dim`, the smallest element; with `dim`, `{ values, indices }` of the smallest element
 * of each slice (NaN wins, as in PyTorch); with a tensor, `minimum(x, other)`.
 * @example nb.min(x, 0).values
 */
export const min: MaxMin = maxMin('min');

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim?: boolean): Tensor {
  checkTensor(op, x);
  if (dim === undefined) {
    if (x.numel() === 0) throw emptyReductionError(op, x.shape);
    const i = argExtremumPrim(op, x.reshape([-1]), 0);
    return i.reshape(keepdim ? x.shape.map(() => 1) : []);
  }
  const d = normDim(op, dim, x.ndim);
  const v = asVector(x);
  nonEmpty(op, v, d);
  const i = argExtremumPrim(op, v, d);
  if (x.ndim === 0) return i.reshape([]);
  return keepdim ? i : i.squeeze(d);
}

/**
 * Index (int32) of the first largest element along `dim`, or in the flattened tensor when `dim`
 * is absent. NaN counts as largest.
 * @example nb.argmax(nb.tensor([[1, 5], [7, 2]]), 1) // [1, 0]
 */
export function argmax(x: Tensor, dim?: number, opts?: KeepdimOptions): Tensor {
  return argExtremum('argmax', x, dim, opts?.keepdim);
}

/**
 * Index (int32) of the first smallest element along `dim`, or in the flattened tensor.
 * @example nb.argmin(nb.tensor([3, 1, 2])) // 1
 */
export function argmin(x: Tensor, dim?: number, opts?: KeepdimOptions): Tensor {
  return argExtremum('argmin', x, dim, opts?.keepdim);
}

// Lower-median position along `d`; a slice holding NaN picks its first NaN, as PyTorch does.
function medianIndex(x: Tensor, d: number): Tensor {
  const k = Math.floor((x.shape[d] - 1) / 2);
  const idx = sortPrim(x.detach(), d, false).indices.narrow(d, k, 1);
  if (!isFloat(x.dtype)) return idx;
  const nan = x.isnan();
  return where(any(nan, d, { keepdim: true }), argExtremumPrim('argmax', nan, d), idx);
}

/**
 * Without `dim`, the lower median of all elements (NaN if any is NaN; ties share the gradient,
 * as in PyTorch); with `dim`, `{ values, indices }` of each slice's lower median (the element at
 * sorted position floor((n - 1) / 2)).
 * @example nb.median(nb.tensor([3, 1, 4, 2])) // 2
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, opts?: KeepdimOptions): ValuesAndIndices;
export function median(x: Tensor, dim?: number, opts?: KeepdimOptions): Tensor | ValuesAndIndices {
  checkTensor('median', x);
  if (dim !== undefined) return pickAlong('median', x, dim, opts?.keepdim, medianIndex);
  if (x.numel() === 0) {
    if (!isFloat(x.dtype)) throw emptyReductionError('median', x.shape);
    return full([], NaN, { dtype: x.dtype });
  }
  const flat = x.reshape([-1]);
  const m = flat.detach();
  const at = medianIndex(m, 0);
  const v = gatherPrim(m, 0, at).reshape([]);
  if (!isFloat(x.dtype)) return v;
  // v + sum(mask * (x - v)) / count: the value v exactly, the gradient mask / count.
  const mask = Number.isNaN(v.item()) ? flat.isnan() : flat.eq(v);
  const share = where(mask, flat.sub(v), 0).sum().div(mask.sum());
  return share.add(v);
}

/** Options of `sort` and `argsort` (PyTorch's defaults: last dim, ascending). */
export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Accepted for PyTorch compatibility; nabla's sort is always stable. */
  stable?: boolean;
}

/**
 * Sorts along `dim` (stable; NaN counts as largest): `{ values, indices }`, the gradient of the
 * values going back to the positions they came from.
 * @example const { values, indices } = nb.sort(x, { descending: true });
 */
export function sort(x: Tensor, opts?: SortOptions): ValuesAndIndices {
  checkTensor('sort', x);
  const d = normDim('sort', opts?.dim ?? -1, x.ndim);
  const s = sortPrim(asVector(x), d, opts?.descending ?? false);
  return x.ndim === 0 ? { values: s.values.reshape([]), indices: s.indices.reshape([]) } : s;
}

/**
 * The int32 indices that sort `x` along `dim` (stable).
 * @example nb.argsort(nb.tensor([3, 1, 2])) // [1, 2, 0]
 */
export function argsort(x: Tensor, opts?: SortOptions): Tensor {
  return sort(x, opts).indices;
}

/** Options of `topk` (PyTorch's defaults: last dim, largest, sorted). */
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  /** Accepted for PyTorch compatibility; the result is always sorted. */
  sorted?: boolean;
}

/**
 * The `k` largest (or, with `largest: false`, smallest) elements along `dim`, in order, as
 * `{ values, indices }`; NaN counts as largest; equal elements keep their order.
 * @example nb.topk(nb.tensor([1, 5, 3, 4]), 2) // values [5, 4], indices [1, 3]
 */
export function topk(x: Tensor, k: number, opts?: TopkOptions): ValuesAndIndices {
  checkTensor('topk', x);
  const d = normDim('topk', opts?.dim ?? -1, x.ndim);
  const v = asVector(x);
  const n = v.shape[d];
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new IndexError('topk', `selected index k out of range: expected k in [0, ${n}], got ${k}`);
  }
  const s = sortPrim(v, d, opts?.largest ?? true);
  const values = s.values.narrow(d, 0, k);
  const indices = s.indices.narrow(d, 0, k);
  if (x.ndim === 0 && k === 1) return { values: values.reshape([]), indices: indices.reshape([]) };
  return { values, indices };
}
