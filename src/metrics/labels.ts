// How classification metrics read their inputs: class scores (logits or probabilities, class dim
// 1 as in PyTorch's losses) or labels, against integer labels or one-hot/probability targets.
// Everything is read once into float64 arrays; metrics are bookkeeping, not differentiable math.
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** How predictions and targets are read; shared by every classification metric. */
export interface LabelOptions {
  /**
   * Binary predictions: `input` holds scores of the positive class, of the target's shape, and
   * `input > threshold` is the predicted label (0.5 for probabilities, 0 for logits).
   */
  threshold?: number;
  /** Entries whose target equals this label are skipped (e.g. -100 for padding). */
  ignoreIndex?: number;
}

/** Predicted and true labels, flat and aligned, plus the class count the scores imply. */
export interface LabelPairs {
  pred: Int32Array;
  truth: Int32Array;
  /** Number of score columns (class dim) when `input` held scores; null for labels. */
  scoreClasses: number | null;
}

/** Checks that `v` is a tensor, naming the argument in the error. */
export function checkTensor(op: string, v: unknown, what: string): Tensor {
  if (!(v instanceof Tensor)) {
    const got = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
    throw new DTypeError(op, `expected ${what} to be a Tensor, got ${got}`);
  }
  return v;
}

/** A tensor's elements as float64, contiguous (metrics accumulate in double precision). */
export function values(t: Tensor): Float64Array {
  const d = t.data();
  return d instanceof Float64Array ? d : Float64Array.from(d);
}

/** Reads `data` as integer labels, refusing fractional values with a hint about scores. */
export function asLabels(op: string, data: Float64Array, what: string, hint = ''): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) throw new ValueError(op, `expected integer class labels in ${what}, got ${v}${hint}`);
    out[i] = v;
  }
  return out;
}

/**
 * Argmax over the class dim of scores laid out `[N, C, ...rest]` (first maximum wins; NaN
 * counts as largest, as `argmax` does).
 */
export function argmaxDim1(data: Float64Array, shape: readonly number[]): Int32Array {
  const n = shape[0];
  const c = shape[1];
  const rest = data.length / Math.max(1, n * c) || 0;
  const out = new Int32Array(n * rest);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rest; r++) {
      let best = 0;
      let bestV = data[i * c * rest + r];
      for (let k = 1; k < c; k++) {
        const v = data[(i * c + k) * rest + r];
        if (v > bestV || (Number.isNaN(v) && !Number.isNaN(bestV))) {
          best = k;
          bestV = v;
        }
      }
      out[i * rest + r] = best;
    }
  }
  return out;
}

/** `shape` without its dim 1 (the class dim). */
export function dropClassDim(shape: readonly number[]): number[] {
  return [shape[0], ...shape.slice(2)];
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/**
 * Turns `input` and `target` into aligned predicted and true labels:
 * - `input` one dim longer than `target` (`[N, C, ...]` vs `[N, ...]`): scores, argmax over dim 1;
 * - same shape with `threshold`: binary scores, `input > threshold`;
 * - same shape, both floating, at least 2-D: scores against one-hot (or probability) targets,
 *   argmax of each over dim 1;
 * - same shape otherwise: labels against labels.
 */
export function labelPairs(op: string, input: Tensor, target: Tensor, opts: LabelOptions = {}): LabelPairs {
  checkTensor(op, input, 'input');
  checkTensor(op, target, 'target');
  let pred: Int32Array;
  let truth: Int32Array;
  let scoreClasses: number | null = null;
  // Binary scores with a singleton class dim ([N, 1] against [N]) read as scores of the target's shape.
  if (opts.threshold !== undefined && input.ndim === target.ndim + 1 && input.ndim >= 2 && input.shape[1] === 1) {
    input = input.squeeze(1);
  }
  if (input.ndim === target.ndim + 1 && input.ndim >= 2) {
    if (!sameShape(dropClassDim(input.shape), target.shape)) {
      throw new ShapeError(
        op,
        `expected target of shape ${fmtShape(dropClassDim(input.shape))} for scores of shape ${fmtShape(input.shape)} (classes along dim 1), got ${fmtShape(target.shape)}`,
        [input.shape, target.shape],
      );
    }
    if (opts.threshold !== undefined) {
      throw new ValueError(op, 'expected threshold only for binary scores of the target shape, got class scores');
    }
    scoreClasses = input.shape[1];
    if (scoreClasses < 2) throw singleClass(op, input.shape);
    pred = argmaxDim1(values(input), input.shape);
    truth = asLabels(op, values(target), 'target');
  } else if (sameShape(input.shape, target.shape)) {
    if (opts.threshold !== undefined) {
      const t = opts.threshold;
      if (typeof t !== 'number' || Number.isNaN(t)) throw new ValueError(op, `expected a numeric threshold, got ${t}`);
      pred = Int32Array.from(values(input), (v) => (v > t ? 1 : 0));
      truth = asLabels(op, values(target), 'target');
    } else if (isFloat(input.dtype) && isFloat(target.dtype) && input.ndim >= 2) {
      scoreClasses = input.shape[1];
      // One score column is a binary output (sigmoid/BCE); an argmax over it would always agree.
      if (scoreClasses < 2) throw singleClass(op, input.shape);
      pred = argmaxDim1(values(input), input.shape);
      truth = argmaxDim1(values(target), target.shape);
    } else {
      const hint = ' (pass threshold for binary scores, or scores with a class dim 1)';
      pred = asLabels(op, values(input), 'input', hint);
      truth = asLabels(op, values(target), 'target');
    }
  } else {
    throw new ShapeError(
      op,
      `expected input of the target's shape (labels) or with one more dim at 1 (class scores), got input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)}`,
      [input.shape, target.shape],
    );
  }
  if (opts.ignoreIndex !== undefined) [pred, truth] = dropIgnored(pred, truth, opts.ignoreIndex);
  return { pred, truth, scoreClasses };
}

function singleClass(op: string, shape: readonly number[]): ValueError {
  return new ValueError(
    op,
    `expected at least 2 classes along dim 1 of the scores, got shape ${fmtShape(shape)} (pass threshold for binary outputs: 0 for logits, 0.5 for probabilities)`,
  );
}

function dropIgnored(pred: Int32Array, truth: Int32Array, ignore: number): [Int32Array, Int32Array] {
  let n = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] !== ignore) n++;
  if (n === truth.length) return [pred, truth];
  const p = new Int32Array(n);
  const t = new Int32Array(n);
  for (let i = 0, j = 0; i < truth.length; i++) {
    if (truth[i] === ignore) continue;
    p[j] = pred[i];
    t[j++] = truth[i];
  }
  return [p, t];
}

/** Checks labels against `[0, numClasses)`; returns the class count (inferred as max + 1 when null). */
export function classCount(op: string, pairs: LabelPairs, numClasses: number | undefined): number {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new ValueError(op, `expected numClasses to be a positive integer, got ${numClasses}`);
  }
  let max = -1;
  for (const arr of [pairs.truth, pairs.pred]) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v < 0) throw new IndexError(op, `expected class labels >= 0, got ${v}`);
      if (v > max) max = v;
    }
  }
  const c = numClasses ?? Math.max(max + 1, pairs.scoreClasses ?? 0, 1);
  if (max >= c) throw new IndexError(op, `expected class labels < numClasses (${c}), got ${max}`);
  return c;
}
