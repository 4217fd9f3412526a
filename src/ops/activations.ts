import type { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';

/**
 * Rectified linear unit, max(0, x); the gradient at 0 is 0, as in PyTorch.
 * @example nb.relu(nb.tensor([-1, 0, 2])) // [0, 0, 2]
 */
export function relu(x: Tensor): Tensor {
  return where(x.gt(0), x, 0);
}
