import { kernels } from '../../backend/index.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { where } from '../elementwise.js';

/**
 * `cond ? a : b` elementwise on operands already broadcast to one shape and promoted to one
 * dtype. d where = where(cond, dy, 0) for `a`, where(cond, 0, dy) for `b`.
 */
export function wherePrim(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const out = allocate(a.dtype, a.numel());
  kernels().where(cond.strided(), a.strided(), b.strided(), out);
  const y = fromArray(out, a.shape, a.dtype);
  return record(
    'where',
    y,
    [a, b],
    (dy, [c], n) => {
      const z = dy.zerosLike();
      return [n[0] ? where(c, dy, z) : null, n[1] ? where(c, z, dy) : null];
    },
    [cond],
  );
}
