import { kernels } from '../../backend/index.js';
import { zeros } from '../../tensor/create.js';
import { allocate } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { diagonalLayout, diagonalView } from './view.js';

/**
 * A copy of `base` with its diagonal `offset` of dims `d1`, `d2` replaced by `src` (of the
 * diagonal's shape and `base`'s dtype, checked by the caller).
 * d base = dy with the diagonal zeroed; d src = the diagonal of dy.
 */
export function diagonalScatter(base: Tensor, src: Tensor, offset: number, d1: number, d2: number): Tensor {
  const out = allocate(base.dtype, base.numel());
  const k = kernels();
  const strides = contiguousStrides(base.shape);
  k.copy(base.strided(), { data: out, shape: base.shape, strides, offset: 0 });
  if (src.numel() > 0) k.copy(src.strided(), { data: out, ...diagonalLayout(base.shape, strides, 0, offset, d1, d2) });
  const y = fromArray(out, base.shape, base.dtype);
  const srcShape = src.shape;
  return record('diagonalScatter', y, [base, src], (dy, _s, n) => [
    n[0] ? diagonalScatter(dy, zeros(srcShape, { dtype: dy.dtype }), offset, d1, d2) : null,
    n[1] ? diagonalView(dy, offset, d1, d2) : null,
  ]);
}
