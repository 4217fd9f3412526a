import { kernels } from '../../backend/index.js';
import { zeros } from '../../tensor/create.js';
import { allocate } from '../../tensor/dtype.js';
import { numelOf } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { scatterPrim } from './scatter.js';

// Primitives that choose positions: a data-dependent discrete choice has no composite form.
// The int32 positions carry no gradient; sorted values send theirs back to where they came from.

/**
 * Index of the first largest (`argmax`) or smallest (`argmin`) element along `dim` of a tensor
 * with at least one dim; the result keeps `dim` as size 1. NaN wins, as in PyTorch.
 */
export function argExtremumPrim(op: 'argmax' | 'argmin', x: Tensor, dim: number): Tensor {
  const shape = x.shape.map((s, i) => (i === dim ? 1 : s));
  const out = new Int32Array(numelOf(shape));
  if (out.length > 0) kernels()[op](x.strided(), dim, out);
  return fromArray(out, shape, 'int32');
}

/**
 * Stable sort along `dim` of a tensor with at least one dim: sorted values and the int32
 * positions they came from. NaN counts as the largest value. d x = dy put back at `indices`.
 */
export function sortPrim(x: Tensor, dim: number, descending: boolean): { values: Tensor; indices: Tensor } {
  const n = x.numel();
  const values = allocate(x.dtype, n);
  const indices = new Int32Array(n);
  if (n > 0) kernels().sort(x.strided(), dim, descending, values, indices);
  const idx = fromArray(indices, x.shape, 'int32');
  const shape = x.shape;
  const y = record(
    'sort',
    fromArray(values, x.shape, x.dtype),
    [x],
    (dy, [i]) => [scatterPrim(zeros(shape, { dtype: dy.dtype }), dim, i, dy, true)],
    [idx],
  );
  return { values: y, indices: idx };
}
