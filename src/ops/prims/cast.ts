import { kernels } from '../../backend/index.js';
import { allocate, isFloat, type DType } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * Converts to `dtype` (a new contiguous tensor; the same tensor when the dtype already matches).
 * Float to int truncates toward zero; anything to bool is `x != 0`.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = allocate(dtype, x.numel());
  kernels().copy(x.strided(), { data: out, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  const y = fromArray(out, x.shape, dtype);
  if (!isFloat(x.dtype)) return y;
  const from = x.dtype;
  return record('to', y, [x], (dy) => [dy.to(from)]); // d cast(x) = cast back(dx)
}

/** A contiguous copy (always a new storage), differentiable: `d clone(x) = dx`. */
export function copy(x: Tensor, name = 'clone'): Tensor {
  const out = allocate(x.dtype, x.numel());
  kernels().copy(x.strided(), { data: out, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 });
  return record(name, fromArray(out, x.shape, x.dtype), [x], (dy) => [dy]);
}
