import type { Tensor } from '../tensor/tensor.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';

/**
 * A tensor that a module owns as a trainable weight: a leaf that requires grad by default and
 * that `Module` discovers when it is assigned to a property. It shares memory with the tensor
 * it is made from.
 * @example this.weight = new nn.Parameter(nb.zeros([out, inp]));
 */
export class Parameter extends TensorClass {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    if (requiresGrad) this.requiresGrad_(true);
  }
}
