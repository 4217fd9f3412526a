import { kernels } from '../../backend/index.js';
import { allocate } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/create.js';
import { record } from '../record.js';
import { sliceView, type SliceSpec } from './view.js';

/**
 * A copy of `base` with the slice `spec` replaced by `src` (of the slice's shape, same dtype).
 * d base = dy with the slice zeroed; d src = the slice of dy.
 */
export function sliceScatter(base: Tensor, src: Tensor, spec: readonly SliceSpec[]): Tensor {
  const out = allocate(base.dtype, base.numel());
  const k = kernels();
  const strides = contiguousStrides(base.shape);
  k.copy(base.strided(), { data: out, shape: base.shape, strides, offset: 0 });
  let offset = 0;
  spec.forEach((s, i) => (offset += s.start * strides[i]));
  const dst = { data: out, shape: spec.map((s) => s.length), strides: spec.map((s, i) => strides[i] * s.step), offset };
  if (src.numel() > 0) k.copy(src.strided(), dst);
  const y = fromArray(out, base.shape, base.dtype);
  const srcShape = src.shape;
  return record('sliceScatter', y, [base, src], (dy, _s, n) => [
    n[0] ? sliceScatter(dy, zeros(srcShape, { dtype: dy.dtype }), spec) : null,
    n[1] ? sliceView(dy, spec) : null,
  ]);
}
