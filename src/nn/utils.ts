// nn.utils: gradient clipping and flattening parameters to one vector and back, as
// torch.nn.utils. Writes into `.grad` and parameters happen under noGrad, so they are never
// recorded.
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { amax } from '../ops/reduce.js';
import { cat, stack } from '../ops/shape.js';
import { norm } from '../ops/stats.js';
import { tensor } from '../tensor/create.js';
import { promoteTypes } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Packed sequences for the recurrent modules (torch.nn.utils.rnn). */
export * as rnn from './rnnPacked.js';

/** One tensor or any iterable of tensors (e.g. `model.parameters()`). */
export type Parameters = Tensor | Iterable<Tensor>;

function tensorList(op: string, parameters: Parameters): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof (parameters as Iterable<Tensor>)?.[Symbol.iterator] !== 'function') {
    throw new DTypeError(
      op,
      `expected a Tensor or an iterable of Tensors, got ${parameters === null ? 'null' : typeof parameters}`,
    );
  }
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new DTypeError(op, `expected parameters[${i}] to be a Tensor, got ${typeof p}`);
  });
  return list;
}

// Python prints a float norm order as 2.0 or inf; the message keeps PyTorch's wording.
const pyFloat = (v: number) =>
  Number.isInteger(v) ? v.toFixed(1) : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf';

/** Options of `clipGradNorm_`. */
export interface ClipGradNormOptions {
  /** The norm's order: any p, or `Infinity` for the largest |g|. Default 2. */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or infinite instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place so that their joint norm (the norm of all
 * gradients concatenated) is at most `maxNorm`: each is multiplied by
 * `min(1, maxNorm / (total + 1e-6))`. Returns the total norm before clipping, as a 0-d tensor
 * (0 when no parameter has a gradient). Parameters without `.grad` are skipped.
 * @example
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 */
export function clipGradNorm_(parameters: Parameters, maxNorm: number, opts: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm_';
  const grads = tensorList(op, parameters).flatMap((p) => (p.grad ? [p.grad] : []));
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) {
    throw new DTypeError(op, `expected maxNorm to be a number, got ${String(maxNorm)}`);
  }
  const raw = opts.normType ?? 2;
  const p = raw === 'inf' ? Infinity : raw;
  if (typeof p !== 'number' || Number.isNaN(p))
    throw new DTypeError(op, `expected normType to be a number, got ${String(raw)}`);
  if (grads.length === 0) return tensor(0);
  return noGrad(() => {
    const dtype = grads.map((g) => g.dtype).reduce(promoteTypes);
    const norms = grads.map((g) => (p === Infinity ? amax(g.abs()) : norm(g, p)).to(dtype));
    const total = p === Infinity ? (norms.length === 1 ? norms[0] : amax(stack(norms))) : norm(stack(norms), p);
    if (opts.errorIfNonfinite && !Number.isFinite(total.item() as number)) {
      throw new ValueError(
        op,
        `The total norm of order ${pyFloat(p)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite=false\``,
      );
    }
    // Multiplying by a coefficient clamped to 1 leaves small gradients exactly as they were.
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` in place to `[-clipValue, clipValue]`.
 * @example nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Parameters, clipValue: number): void {
  const op = 'clipGradValue_';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) {
    throw new DTypeError(op, `expected clipValue to be a number, got ${String(clipValue)}`);
  }
  const list = tensorList(op, parameters);
  noGrad(() => {
    for (const p of list) if (p.grad) p.grad.clamp_(-clipValue, clipValue);
  });
}

/**
 * Flattens `parameters` into one 1-D tensor (their elements in order); differentiable.
 * @example const v = nn.utils.parametersToVector(model.parameters());
 */
export function parametersToVector(parameters: Parameters): Tensor {
  const list = tensorList('parametersToVector', parameters);
  if (list.length === 0) throw new ValueError('parametersToVector', 'expected at least one parameter, got none');
  return cat(list.map((p) => p.reshape([-1])));
}

/**
 * Copies the elements of the 1-D `vec` into `parameters`, in order (the inverse of
 * `parametersToVector`). PyTorch makes each parameter a view of `vec`; nabla copies the values,
 * so later changes to `vec` do not reach the parameters.
 * @example nn.utils.vectorToParameters(v, model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Parameters): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new DTypeError(op, `expected torch.Tensor, but got: ${typeof vec}`);
  const list = tensorList(op, parameters);
  const total = list.reduce((s, p) => s + p.numel(), 0);
  if (vec.ndim !== 1 || vec.numel() !== total) {
    throw new ShapeError(
      op,
      `expected a 1-D vector of ${total} elements (the parameters' total), got shape ${fmtShape(vec.shape)}`,
      [vec.shape],
    );
  }
  noGrad(() => {
    let at = 0;
    for (const p of list) {
      const n = p.numel();
      p.copy_(vec.narrow(0, at, n).reshape(p.shape));
      at += n;
    }
  });
}
