import { type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { zeros } from '../../tensor/create.js';
import { diagonalScatter } from './diagonalScatter.js';
import { sliceScatter } from './sliceScatter.js';

// View primitives: each returns a tensor on the same storage with new shape/strides/offset.
// None copies data. Their gradients are the inverse movement.

function viewOf(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  // Marks the memory as shared, so in-place rebasing under autograd knows to refuse.
  x.storage.aliased = true;
  return new Tensor(x.storage, shape, strides, offset, x.dtype);
}

/**
 * Reinterprets `x` with `shape` and `strides` (computed by the caller so that every element
 * maps to the same memory). d = reshape back.
 */
export function reshapeView(x: Tensor, shape: Shape, strides: readonly number[]): Tensor {
  const from = x.shape;
  return record('view', viewOf(x, shape, strides, x.offset), [x], (dy) => [dy.reshape(from)]);
}

/** Reorders dims: `y.shape[i] = x.shape[dims[i]]`. d = the inverse permutation. */
export function permuteView(x: Tensor, dims: readonly number[]): Tensor {
  const y = viewOf(
    x,
    dims.map((d) => x.shape[d]),
    dims.map((d) => x.strides[d]),
    x.offset,
  );
  const inv = new Array<number>(dims.length);
  dims.forEach((d, i) => (inv[d] = i));
  return record('permute', y, [x], (dy) => [dy.permute(inv)]);
}

/**
 * Broadcasts `x` to `shape` (new leading dims, and size-1 dims stretched, with stride 0). One
 * view for both, so a bias added to a batch costs one graph node, not a reshape and an expand.
 * d = sum the gradient over the new and stretched dims.
 */
export function expandView(x: Tensor, shape: Shape): Tensor {
  const lead = shape.length - x.ndim;
  const strides = shape.map((s, i) => (i >= lead && x.shape[i - lead] === s ? x.strides[i - lead] : 0));
  const from = x.shape;
  const dims = shape.flatMap((s, i) => ((i < lead ? s !== 1 : x.shape[i - lead] !== s) ? [i] : []));
  return record('expand', viewOf(x, shape, strides, x.offset), [x], (dy) => [
    dims.length ? dy.sum(dims, { keepdim: true }).reshape(from) : dy.reshape(from),
  ]);
}

/** One dim of a slice: start index, step (>= 1), and number of elements taken. */
export interface SliceSpec {
  start: number;
  step: number;
  length: number;
}

/**
 * Takes `x[start : start + step * length : step]` along every dim (a spec per dim).
 * d = the gradient placed back into zeros of `x`'s shape.
 */
export function sliceView(x: Tensor, spec: readonly SliceSpec[]): Tensor {
  let offset = x.offset;
  spec.forEach((s, i) => (offset += s.start * x.strides[i]));
  const y = viewOf(
    x,
    spec.map((s) => s.length),
    spec.map((s, i) => x.strides[i] * s.step),
    spec.every((s) => s.length > 0) ? offset : x.offset,
  );
  const from = x.shape;
  const out = record('slice', y, [x], (dy) => [sliceScatter(zeros(from, { dtype: dy.dtype }), dy, spec)]);
  if (out.gradFn !== null) out.gradFn.scatterGrad = (buf, dy) => regionOf(buf, spec).add_(dy);
  return out;
}

// The slice `spec` of a contiguous engine-owned buffer, as a tensor to add into.
function regionOf(buf: Tensor, spec: readonly SliceSpec[]): Tensor {
  let offset = buf.offset;
  spec.forEach((s, i) => (offset += s.start * buf.strides[i]));
  const shape = spec.map((s) => s.length);
  return new Tensor(
    buf.storage,
    shape,
    spec.map((s, i) => buf.strides[i] * s.step),
    offset,
    buf.dtype,
  );
}

/** Where the diagonal `offset` of dims `d1`, `d2` lies in a strided layout. */
export function diagonalLayout(
  shape: Shape,
  strides: readonly number[],
  start: number,
  offset: number,
  d1: number,
  d2: number,
): { shape: number[]; strides: number[]; offset: number } {
  const len = Math.max(
    0,
    offset >= 0 ? Math.min(shape[d1], shape[d2] - offset) : Math.min(shape[d1] + offset, shape[d2]),
  );
  if (len > 0) start += offset >= 0 ? offset * strides[d2] : -offset * strides[d1];
  const keep = shape.flatMap((_, i) => (i === d1 || i === d2 ? [] : [i]));
  return {
    shape: [...keep.map((i) => shape[i]), len],
    strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]],
    offset: start,
  };
}

/**
 * The diagonal `offset` of dims `d1 != d2` (normalized by the caller), as a last dim: a view
 * whose step is the sum of the two strides. d = dy written onto the diagonal of zeros.
 */
export function diagonalView(x: Tensor, offset: number, d1: number, d2: number): Tensor {
  const l = diagonalLayout(x.shape, x.strides, x.offset, offset, d1, d2);
  const from = x.shape;
  return record('diagonal', viewOf(x, l.shape, l.strides, l.offset), [x], (dy) => [
    diagonalScatter(zeros(from, { dtype: dy.dtype }), dy, offset, d1, d2),
  ]);
}
