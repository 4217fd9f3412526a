// softmin: src/ops has softmax and logSoftmax but no softmin, which nn.functional needs.
import { neg } from '../../ops/elementwise.js';
import { softmax, type SoftmaxOptions } from '../../ops/softmax.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * softmin(x)_i = exp(-x_i) / sum_j exp(-x_j) along `dim`: softmax of `-x`, so the smallest
 * entry gets the largest weight.
 * @example nn.functional.softmin(nb.tensor([1, 2, 3]), 0) // [0.6652, 0.2447, 0.0900]
 */
export function softmin(x: Tensor, dim: number, opts?: SoftmaxOptions): Tensor {
  return softmax(neg(x), dim, opts);
}
