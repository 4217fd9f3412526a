// Reading batches and calling models and losses, shared by fit, evaluate and predict.
import { DTypeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Loader, LossFn, PrepareBatch, TrainableModel } from './types.js';

/** Milliseconds from a monotonic clock (browsers and Node both have `performance`). */
export const now = (): number => performance.now();

/** Checks that `loader` can be iterated (sync or async). */
export function checkLoader(op: string, loader: unknown, what: string): Loader {
  const it = loader as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null;
  if (
    it === null ||
    typeof it !== 'object' ||
    (typeof it[Symbol.iterator] !== 'function' && typeof it[Symbol.asyncIterator] !== 'function')
  ) {
    throw new DTypeError(
      op,
      `expected ${what} to be an iterable of batches (array, DataLoader, generator), got ${describe(loader)}`,
    );
  }
  return loader as Loader;
}

/** The number of batches when the loader says (`length`), else null. */
export function loaderLength(loader: Loader): number | null {
  const n = (loader as { length?: unknown }).length;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * Splits a batch into model inputs and target: `[inputs, target]` pairs and `{ x, y }` objects
 * by default, anything else through `prepare`.
 */
export function unpackBatch(op: string, batch: unknown, prepare: PrepareBatch | undefined): [unknown, unknown] {
  if (prepare) {
    const r = prepare(batch);
    if (!Array.isArray(r) || r.length !== 2) {
      throw new ValueError(op, `expected prepareBatch to return [inputs, target], got ${describe(r)}`);
    }
    return [r[0], r[1]];
  }
  if (Array.isArray(batch) && batch.length === 2) return [batch[0], batch[1]];
  if (batch !== null && typeof batch === 'object' && 'x' in batch && 'y' in batch) {
    const b = batch as { x: unknown; y: unknown };
    return [b.x, b.y];
  }
  throw new ValueError(
    op,
    `expected batches as [inputs, targets] or { x, y }, got ${describe(batch)} (pass prepareBatch to unpack other batches)`,
  );
}

/** The inputs of a batch for prediction: a bare tensor, the first item of a pair, or `x`. */
export function inputsOf(op: string, batch: unknown, prepare: PrepareBatch | undefined): unknown {
  if (prepare) return unpackBatch(op, batch, prepare)[0];
  if (batch instanceof Tensor) return batch;
  if (Array.isArray(batch) && batch.length >= 1) return batch[0];
  if (batch !== null && typeof batch === 'object' && 'x' in batch) return (batch as { x: unknown }).x;
  throw new ValueError(op, `expected batches as tensors, [inputs, targets] or { x, y }, got ${describe(batch)}`);
}

/** Calls the model with one input or an array of inputs spread as arguments. */
export function callModel(model: TrainableModel, inputs: unknown): unknown {
  return Array.isArray(inputs) ? model.call(...inputs) : model.call(inputs);
}

/** Calls a loss function or loss module and checks that it gave a one-element tensor. */
export function callLoss(op: string, loss: LossFn, output: unknown, target: unknown): Tensor {
  const value = typeof loss === 'function' ? loss(output, target) : loss.call(output, target);
  if (!(value instanceof Tensor) || value.numel() !== 1) {
    throw new ValueError(
      op,
      `expected the loss to return a one-element tensor, got ${value instanceof Tensor ? `shape [${value.shape.join(', ')}]` : describe(value)}`,
    );
  }
  return value;
}

/** Checks `loss` is a function or has `call`. */
export function checkLoss(op: string, loss: unknown): LossFn {
  if (typeof loss === 'function') return loss as LossFn;
  if (loss && typeof loss === 'object' && typeof (loss as { call?: unknown }).call === 'function')
    return loss as LossFn;
  throw new DTypeError(
    op,
    `expected loss to be a function (output, target) => Tensor or a loss module, got ${describe(loss)}`,
  );
}

/** Samples in a batch: the target's first dim (1 for a 0-d or non-tensor target). */
export function batchSize(target: unknown, inputs: unknown): number {
  const t = target instanceof Tensor ? target : Array.isArray(target) && target[0] instanceof Tensor ? target[0] : null;
  if (t && t.ndim > 0) return t.shape[0];
  if (target === undefined || target === null) {
    const x =
      inputs instanceof Tensor ? inputs : Array.isArray(inputs) && inputs[0] instanceof Tensor ? inputs[0] : null;
    if (x && x.ndim > 0) return x.shape[0];
  }
  return 1;
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return `an object with keys ${JSON.stringify(Object.keys(v).slice(0, 5))}`;
  return typeof v;
}
