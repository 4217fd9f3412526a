// What every loss shares: the reduction option, input checks, and the PyTorch messages for them.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { isFloat } from '../../tensor/dtype.js';
import { broadcastShapes, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** How a loss folds its per-element values: their mean (default), their sum, or not at all. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The option every loss takes. */
export interface ReductionOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

/** Checks `reduction` is one of `allowed`, with PyTorch's message otherwise. */
export function checkReduction<R extends string = Reduction>(
  op: string,
  reduction: unknown,
  allowed: readonly string[] = REDUCTIONS,
): R {
  if (reduction === undefined) return 'mean' as R;
  if (typeof reduction !== 'string' || !allowed.includes(reduction)) {
    throw new ValueError(
      op,
      `${String(reduction)} is not a valid value for reduction (expected one of ${allowed.map((r) => `'${r}'`).join(', ')})`,
    );
  }
  return reduction as R;
}

/** Applies a validated reduction to per-element losses; the mean of nothing is NaN, as in PyTorch. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

/** Checks a loss input is a floating-point tensor. */
export function floatTensor(op: string, x: unknown, what = 'input'): Tensor {
  const t = checkTensor(op, x, what);
  if (!isFloat(t.dtype)) throw new DTypeError(op, `expected ${what} to be a floating point tensor, got ${t.dtype}`);
  return t;
}

/** Checks a numeric option, naming it. */
export function numberOption(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new DTypeError(op, `expected ${name} to be a number, got ${typeof v === 'number' ? v : typeof v}`);
  }
  return v;
}

/** Checks a boolean option, naming it. */
export function boolOption(op: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new DTypeError(op, `expected ${name} to be a boolean, got ${typeof v}`);
  return v;
}

/** Checks that `target` broadcasts with `input` (PyTorch broadcasts, with a warning, when they differ). */
export function broadcastTarget(op: string, input: Tensor, target: unknown): Tensor {
  const t = checkTensor(op, target, 'target');
  broadcastShapes(op, input.shape, t.shape);
  return t;
}

/** Checks `target` has exactly `input`'s shape, with `message(input, target)` otherwise. */
export function sameShapeTarget(
  op: string,
  input: Tensor,
  target: unknown,
  message = (i: string, t: string) => `expected target to have the input's shape ${i}, got ${t}`,
): Tensor {
  const t = checkTensor(op, target, 'target');
  if (!sameShape(input.shape, t.shape)) {
    throw new ShapeError(op, message(fmtShape(input.shape), fmtShape(t.shape)), [input.shape, t.shape]);
  }
  return t;
}

/** Checks an optional elementwise weight broadcasts to `shape` without enlarging it. */
export function elementWeight(op: string, name: string, w: unknown, shape: readonly number[]): Tensor | null {
  if (w === undefined || w === null) return null;
  const t = checkTensor(op, w, name);
  const b = broadcastShapes(op, shape, t.shape);
  if (!sameShape(b, shape)) {
    throw new ShapeError(
      op,
      `expected ${name} to broadcast to the loss shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`,
      [shape, t.shape],
    );
  }
  return t;
}
