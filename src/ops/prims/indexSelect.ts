import { kernels } from '../../backend/index.js';
import { zeros } from '../../tensor/create.js';
import { allocate } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * Slices `index[j]` of `x` along `dim`, stacked in order (`index` 1-D, in range, and `x` at
 * least 1-D: checked by the caller). d x = indexAdd of dy into zeros (repeats accumulate).
 */
export function indexSelectPrim(x: Tensor, dim: number, index: Tensor): Tensor {
  const shape = x.shape.map((s, i) => (i === dim ? index.shape[0] : s));
  const out = allocate(
    x.dtype,
    shape.reduce((a, b) => a * b, 1),
  );
  if (out.length > 0) kernels().indexSelect(x.strided(), dim, index.strided(), out);
  const y = fromArray(out, shape, x.dtype);
  const xShape = x.shape;
  return record(
    'indexSelect',
    y,
    [x],
    (dy, [idx]) => [indexAddPrim(zeros(xShape, { dtype: dy.dtype }), dim, idx, dy)],
    [index],
  );
}

/**
 * A copy of `x` with slice `j` of `src` added into slice `index[j]` along `dim` (shapes, dtype
 * and range checked by the caller). d x = dy, d src = indexSelect(dy).
 */
export function indexAddPrim(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const out = allocate(x.dtype, x.numel());
  const k = kernels();
  k.copy(x.strided(), { data: out, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  if (src.numel() > 0) k.indexAdd(out, x.shape, dim, index.strided(), src.strided());
  const y = fromArray(out, x.shape, x.dtype);
  return record(
    'indexAdd',
    y,
    [x, src],
    (dy, [idx], n) => [n[0] ? dy : null, n[1] ? indexSelectPrim(dy, dim, idx) : null],
    [index],
  );
}
