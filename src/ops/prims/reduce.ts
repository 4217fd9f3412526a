import { kernels } from '../../backend/index.js';
import type { ReduceOp } from '../../backend/types.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

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
