import { kernels } from '../../backend/index.js';
import type { ReduceOp } from '../../backend/types.js';
import { ValueError, fmtShape } from '../../errors.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { flipPrim } from './flip.js';
import { exclusiveCumprod } from './scan.js';

// Runs a reduction kernel over sorted, distinct `dims`; the result keeps them as size 1.
function run(op: ReduceOp, x: Tensor, dims: readonly number[], dtype: DType): Tensor {
  const shape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const out = allocate(
    dtype,
    shape.reduce((a, b) => a * b, 1),
  );
  const src = x.dtype === dtype ? x : x.to(dtype);
  kernels()[op](src.strided(), dims, out);
  return fromArray(out, shape, dtype);
}

/** Sum over `dims`, keeping them as size 1. d = dy broadcast back over the summed dims. */
export function sumPrim(x: Tensor, dims: readonly number[], dtype: DType): Tensor {
  const src = x.dtype === dtype ? x : x.to(dtype);
  const y = run('sum', src, dims, dtype);
  const shape = src.shape;
  return record('sum', y, [src], (dy) => [dy.expand(shape)]);
}

/**
 * PyTorch's error for a reduction without identity (max, argmax, median, ...) over nothing: over
 * all dims of an empty tensor (`dim` absent) or over a size-0 `dim`.
 */
export function emptyReductionError(op: string, shape: readonly number[], dim?: number): ValueError {
  const got = `got input of shape ${fmtShape(shape)}`;
  if (dim === undefined) {
    return new ValueError(
      op,
      `Expected reduction dim to be specified for input.numel() == 0; specify the reduction dim with the 'dim' argument, ${got}`,
    );
  }
  return new ValueError(op, `Expected reduction dim ${dim} to have non-zero size, ${got}`);
}

/**
 * Largest (`amax`) or smallest (`amin`) value over `dims`, kept as size 1. The gradient is
 * shared evenly among the elements that attain it, as in PyTorch.
 */
export function extremumPrim(op: 'amax' | 'amin', x: Tensor, dims: readonly number[]): Tensor {
  const y = run(op, x, dims, x.dtype);
  return record(
    op,
    y,
    [x],
    (dy, [sx, sy]) => {
      const mask = sx.eq(sy).to(dy.dtype);
      return [mask.mul(dy).div(mask.sum(dims, { keepdim: true }))];
    },
    [x, y],
  );
}

/**
 * Product over `dims`, kept as size 1, in `dtype`. The gradient of each element is the product
 * of the others, made from exclusive cumulative products from both ends: exact when `x` holds
 * zeros (one or several), since nothing is divided by x. d = dy prod_{j != i} x_j.
 */
export function prodPrim(x: Tensor, dims: readonly number[], dtype: DType): Tensor {
  const src = x.dtype === dtype ? x : x.to(dtype);
  const y = run('prod', src, dims, dtype);
  return record('prod', y, [src], (dy, [sx]) => [dy.mul(productOfOthers(sx, dims))], [src]);
}

// For every element, the product of the other elements of its reduction group.
function productOfOthers(x: Tensor, dims: readonly number[]): Tensor {
  const keep = x.shape.flatMap((_, i) => (dims.includes(i) ? [] : [i]));
  const perm = [...keep, ...dims];
  const moved = x.permute(perm);
  const flat = moved.reshape([...keep.map((i) => x.shape[i]), dims.reduce((n, d) => n * x.shape[d], 1)]);
  const last = flat.ndim - 1;
  const left = exclusiveCumprod(flat, last);
  const right = flipPrim(exclusiveCumprod(flipPrim(flat, [last]), last), [last]);
  const inv = new Array<number>(perm.length);
  perm.forEach((d, i) => (inv[d] = i));
  return left.mul(right).reshape(moved.shape).permute(inv);
}
