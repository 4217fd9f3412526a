import { kernels } from '../../backend/index.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * Batched matrix product of `a: [B, M, K]` and `b: [B, K, N]` (same dtype, validated by the
 * caller). Transposed or broadcast operands are read through their strides, not copied.
 * d(ab) = dy b^T for a, a^T dy for b.
 */
export function bmmPrim(a: Tensor, b: Tensor): Tensor {
  const [B, M] = a.shape;
  const N = b.shape[2];
  const out = allocate(a.dtype, B * M * N);
  kernels().matmul(a.strided(), b.strided(), out);
  const y = fromArray(out, [B, M, N], a.dtype);
  return record(
    'bmm',
    y,
    [a, b],
    (dy, [sa, sb], n) => [n[0] ? bmmPrim(dy, sb.transpose(1, 2)) : null, n[1] ? bmmPrim(sa.transpose(1, 2), dy) : null],
    [a, b],
  );
}
