import { kernels } from '../../backend/index.js';
import type { View } from '../../backend/types.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

// A 2-D operand is handed to the batched kernel as a batch of one, through its own strides:
// no unsqueeze/reshape views (and graph nodes) around every product of a layer.
function batched(t: Tensor): View {
  if (t.ndim === 3) return t.strided();
  return { data: t.storage.data, shape: [1, t.shape[0], t.shape[1]], strides: [0, ...t.strides], offset: t.offset };
}

// Whether the last two dims of `t` are stored column by column (a transposed view such as the
// `W^T` of a linear layer).
function isTransposed(t: Tensor): boolean {
  const r = t.ndim - 2;
  return t.shape[r] > 1 && t.shape[r + 1] > 1 && t.strides[r] === 1 && t.strides[r + 1] !== 1;
}

const swap = (t: Tensor): Tensor => t.transpose(-2, -1);

/**
 * Matrix product of `a: [M, K]` and `b: [K, N]`, or batched of `a: [B, M, K]` and
 * `b: [B, K, N]` (same rank and dtype, validated by the caller). Transposed or broadcast
 * operands are read through their strides, not copied.
 * d(ab) = dy b^T for a, a^T dy for b.
 */
export function bmmPrim(a: Tensor, b: Tensor): Tensor {
  const r = a.ndim - 2;
  const M = a.shape[r];
  const N = b.shape[r + 1];
  const B = r === 1 ? a.shape[0] : 1;
  const out = allocate(a.dtype, B * M * N);
  kernels().matmul(batched(a), batched(b), out);
  const y = fromArray(out, r === 1 ? [B, M, N] : [M, N], a.dtype);
  return record('bmm', y, [a, b], bmmBackward, [a, b]);
}

// Each gradient comes out in its input's layout: when an input is a transposed view, its
// gradient is computed as the transpose of the product the other way round, (b dy^T)^T or
// (dy^T a)^T, the same sums. For `x W^T` the weight's gradient is then a transposed view whose
// transpose, the gradient of W itself, is contiguous: no transposing copy of the largest
// tensor of the layer on every step.
function bmmBackward(dy: Tensor, [a, b]: readonly Tensor[], needs: readonly boolean[]): (Tensor | null)[] {
  let da: Tensor | null = null;
  let db: Tensor | null = null;
  if (needs[0]) da = isTransposed(a) ? swap(bmmPrim(b, swap(dy))) : bmmPrim(dy, swap(b));
  if (needs[1]) db = isTransposed(b) ? swap(bmmPrim(swap(dy), a)) : bmmPrim(swap(a), dy);
  return [da, db];
}
