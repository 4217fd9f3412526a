import { kernels } from '../../backend/index.js';
import { allocate } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * Joins tensors of one dtype and equal shapes except along `dim` (validated by the caller).
 * d = the matching slice of dy for each input.
 */
export function catPrim(xs: readonly Tensor[], dim: number): Tensor {
  const shape = [...xs[0].shape];
  const sizes = xs.map((x) => x.shape[dim]);
  shape[dim] = sizes.reduce((a, b) => a + b, 0);
  const dtype = xs[0].dtype;
  const out = allocate(
    dtype,
    shape.reduce((a, b) => a * b, 1),
  );
  const strides = contiguousStrides(shape);
  let start = 0;
  for (const x of xs) {
    if (x.numel() > 0)
      kernels().copy(x.strided(), { data: out, shape: x.shape, strides, offset: start * strides[dim] });
    start += x.shape[dim];
  }
  const y = fromArray(out, shape, dtype);
  return record('cat', y, xs, (dy, _s, needs) => {
    let s = 0;
    return sizes.map((len, i) => {
      const g = needs[i] ? dy.narrow(dim, s, len) : null;
      s += len;
      return g;
    });
  });
}
