import { kernels } from '../../backend/index.js';
import { allocate } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * Reverses `x` along `dims` (distinct, normalized by the caller) into a new contiguous tensor.
 * The copy kernel reads `x` through a negative-stride view, so no tensor ever keeps negative
 * strides. d flip(x) = flip(dy).
 */
export function flipPrim(x: Tensor, dims: readonly number[]): Tensor {
  const out = allocate(x.dtype, x.numel());
  if (x.numel() > 0) {
    let offset = x.offset;
    const strides = x.strides.map((s, i) => {
      if (!dims.includes(i)) return s;
      offset += (x.shape[i] - 1) * s;
      return -s;
    });
    const src = { data: x.storage.data, shape: x.shape, strides, offset };
    kernels().copy(src, { data: out, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  }
  const y = fromArray(out, x.shape, x.dtype);
  return record('flip', y, [x], (dy) => [flipPrim(dy, dims)]);
}
