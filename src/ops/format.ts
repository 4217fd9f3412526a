import type { Tensor } from '../tensor/tensor.js';

/** Formats a tensor for printing (see `Tensor.toString`). */
export function formatTensor(x: Tensor): string {
  return `tensor(${JSON.stringify(x.tolist())}, dtype=${x.dtype})`;
}
