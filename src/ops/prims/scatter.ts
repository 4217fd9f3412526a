import { kernels } from '../../backend/index.js';
import { zeros } from '../../tensor/create.js';
import { allocate } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { gatherPrim } from './gather.js';

/**
 * A copy of `x` with `src[p]` written (or, with `add`, added) at `p with coordinate dim :=
 * index[p]` for every position `p` of `index`. `src` has `index`'s shape and `x`'s dtype; the
 * caller has checked ranks, sizes and index ranges.
 * Overwrite: d x = dy with the written positions zeroed, d src = gather(dy).
 * Add: d x = dy, d src = gather(dy).
 */
export function scatterPrim(x: Tensor, dim: number, index: Tensor, src: Tensor, add: boolean): Tensor {
  const out = allocate(x.dtype, x.numel());
  const k = kernels();
  k.copy(x.strided(), { data: out, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  if (index.numel() > 0) k.scatter(out, x.shape, dim, index.strided(), src.strided(), add);
  const y = fromArray(out, x.shape, x.dtype);
  const idxShape = index.shape;
  return record(
    add ? 'scatterAdd' : 'scatter',
    y,
    [x, src],
    (dy, [idx], n) => [
      n[0] ? (add ? dy : scatterPrim(dy, dim, idx, zeros(idxShape, { dtype: dy.dtype }), false)) : null,
      n[1] ? gatherPrim(dy, dim, idx) : null,
    ],
    [index],
  );
}
