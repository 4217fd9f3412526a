import { gradEdge } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/mode.js';
import { Node, type BackwardFn } from '../autograd/node.js';
import { isFloat } from '../tensor/dtype.js';
import { setGradFn, type Tensor } from '../tensor/tensor.js';

/**
 * Links a primitive's freshly computed result into the autograd graph when grad mode is on
 * and an input requires grad. `saved` are the tensors the gradient rule reads; nothing else
 * is kept alive by the graph.
 */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly Tensor[],
  fn: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  if (!isGradEnabled() || !isFloat(out.dtype)) return out;
  let needed = false;
  for (const t of inputs) needed ||= t.requiresGrad;
  if (!needed) return out;
  const node = new Node(name, inputs.map(gradEdge), fn, saved, out.shape, out.dtype);
  setGradFn(out, node);
  node.freezeSaved();
  return out;
}
