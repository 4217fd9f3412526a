import { kernels } from '../../backend/index.js';
import { zeros } from '../../tensor/create.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { scatterPrim } from './scatter.js';

/**
 * `out[p] = x[p with coordinate dim := index[p]]`, of `index`'s shape. The caller has checked
 * ranks, sizes and that every index lies in `[0, x.shape[dim])`; `x` and `index` have >= 1 dim.
 * d x = scatterAdd of dy into zeros at the gathered positions (repeats accumulate).
 */
export function gatherPrim(x: Tensor, dim: number, index: Tensor): Tensor {
  const out = allocate(x.dtype, index.numel());
  if (index.numel() > 0) kernels().gather(x.strided(), dim, index.strided(), out);
  const y = fromArray(out, index.shape, x.dtype);
  const xShape = x.shape;
  return record(
    'gather',
    y,
    [x],
    (dy, [idx]) => [scatterPrim(zeros(xShape, { dtype: dy.dtype }), dim, idx, dy, true)],
    [index],
  );
}
