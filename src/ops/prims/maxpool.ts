import { kernels } from '../../backend/index.js';
import type { PoolTaps } from '../../backend/types.js';
import { numelOf } from '../../tensor/shape.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';

/**
 * Where the maximum of every pooling window of `x: [N, C, ...spatial]` lies: int32 indices
 * `[N, C, ...outSize]` into each flattened `[...spatial]` plane, as PyTorch returns them.
 * Choosing a position is a data-dependent discrete step with no composite form, so it is a
 * kernel; the pooled values are then a `gather` at these indices, whose gradient (a scatter-add
 * into the chosen positions) is max pooling's, so no gradient code lives here.
 */
export function maxPoolIndicesPrim(x: Tensor, p: PoolTaps): Tensor {
  const shape = [x.shape[0], x.shape[1], ...p.outSize];
  const out = new Int32Array(numelOf(shape));
  if (out.length > 0) kernels().maxPoolIndices(x.strided(), p, out);
  return fromArray(out, shape, 'int32');
}
