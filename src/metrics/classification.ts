// Classification metrics as pure functions of (input, target) tensors. Values are plain numbers:
// metrics are for reporting and never need a gradient.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  asLabels,
  checkTensor,
  classCount,
  dropClassDim,
  labelPairs,
  values,
  type LabelOptions,
  type LabelPairs,
} from './labels.js';

/** Options of `accuracy`. */
export interface AccuracyOptions extends LabelOptions {
  /** Counts a sample as correct when its target is among the `topK` highest scores (default 1). */
  topK?: number;
}

/**
 * The fraction of predictions equal to the target: correct / total (NaN for no samples).
 * `input` holds class scores (`[N, C, ...]`, class dim 1; logits or probabilities) or labels of
 * the target's shape; `target` holds labels, or one-hot rows when both are floating scores.
 * @example metrics.accuracy(logits, labels) // 0.93
 * @example metrics.accuracy(logits, labels, { topK: 5 })
 */
export function accuracy(input: Tensor, target: Tensor, opts: AccuracyOptions = {}): number {
  const k = opts.topK ?? 1;
  if (k !== 1) return topKCounts('accuracy', input, target, k, opts.ignoreIndex).ratio;
  const { pred, truth } = labelPairs('accuracy', input, target, opts);
  let correct = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) correct++;
  return pred.length === 0 ? NaN : correct / pred.length;
}

/**
 * Correct and total counts for top-k accuracy. A target ranks among the top k when fewer than k
 * classes score higher, ties going to the lower class index (as a stable sort orders them).
 */
export function topKCounts(
  op: string,
  input: Tensor,
  target: Tensor,
  k: number,
  ignoreIndex?: number,
): { correct: number; total: number; ratio: number } {
  checkTensor(op, input, 'input');
  checkTensor(op, target, 'target');
  if (input.ndim !== target.ndim + 1 || input.ndim < 2) {
    throw new ShapeError(
      op,
      `expected class scores [N, C, ...] and labels [N, ...] for topK, got input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)}`,
      [input.shape, target.shape],
    );
  }
  const want = dropClassDim(input.shape);
  if (want.length !== target.ndim || want.some((s, i) => s !== target.shape[i])) {
    throw new ShapeError(op, `expected target of shape ${fmtShape(want)}, got ${fmtShape(target.shape)}`, [
      input.shape,
      target.shape,
    ]);
  }
  const c = input.shape[1];
  if (!Number.isInteger(k) || k < 1 || k > c) throw new ValueError(op, `expected topK in [1, ${c}], got ${k}`);
  const scores = values(input);
  const labels = asLabels(op, values(target), 'target');
  const rest = labels.length / Math.max(1, input.shape[0]) || 0;
  let correct = 0;
  let total = 0;
  for (let j = 0; j < labels.length; j++) {
    const t = labels[j];
    if (t === ignoreIndex) continue;
    if (t < 0 || t >= c) throw new ValueError(op, `expected target labels in [0, ${c}), got ${t}`);
    const i = Math.floor(j / rest);
    const r = j - i * rest;
    const at = (cls: number) => scores[(i * c + cls) * rest + r];
    const st = at(t);
    let rank = 0;
    for (let cls = 0; cls < c && rank < k; cls++) {
      const s = at(cls);
      if (s > st || (s === st && cls < t) || (Number.isNaN(s) && !Number.isNaN(st))) rank++;
    }
    if (rank < k) correct++;
    total++;
  }
  return { correct, total, ratio: total === 0 ? NaN : correct / total };
}

/** Options of `confusionMatrix`. */
export interface ConfusionMatrixOptions extends LabelOptions {
  /** Number of classes C (default: the score columns, or the largest label + 1). */
  numClasses?: number;
}

/** Row-major C×C counts (rows = true class, columns = predicted class). */
export function countPairs(pairs: LabelPairs, c: number, into?: Float64Array): Float64Array {
  const counts = into ?? new Float64Array(c * c);
  for (let i = 0; i < pairs.pred.length; i++) counts[pairs.truth[i] * c + pairs.pred[i]]++;
  return counts;
}

/**
 * The confusion matrix as an int32 `[C, C]` tensor: entry `[i, j]` counts samples of true class
 * i predicted as class j (scikit-learn's layout). Inputs are read as by `accuracy`.
 * @example metrics.confusionMatrix(logits, labels, { numClasses: 10 })
 */
export function confusionMatrix(input: Tensor, target: Tensor, opts: ConfusionMatrixOptions = {}): Tensor {
  const pairs = labelPairs('confusionMatrix', input, target, opts);
  const c = classCount('confusionMatrix', pairs, opts.numClasses);
  return tensor(Int32Array.from(countPairs(pairs, c)), { dtype: 'int32' }).reshape([c, c]);
}

/** How per-class scores combine into one number (scikit-learn's `average`). */
export type Average = 'macro' | 'micro' | 'weighted' | 'binary' | 'none';

/** Options of `precision`, `recall` and `f1`. */
export interface PrfOptions extends ConfusionMatrixOptions {
  /**
   * 'macro' (default): unweighted mean over classes; 'weighted': mean weighted by each class's
   * support (true count); 'micro': from the summed counts (equals accuracy for single-label
   * data); 'binary': the positive class `posLabel` only; 'none': one value per class 0..C-1.
   */
  average?: Average;
  /** The positive class for `average: 'binary'` (default 1). */
  posLabel?: number;
  /** The value of a ratio whose denominator is 0 (default 0, as scikit-learn's "warn"). */
  zeroDivision?: number;
}

type Which = 'precision' | 'recall' | 'f1';

/**
 * Precision, recall or F1 from confusion counts, with scikit-learn's conventions: per class
 * precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2tp / (2tp + fp + fn). Without
 * `numClasses`, averages run over the labels present in target or prediction (as scikit-learn);
 * with it, over all classes 0..C-1.
 */
export function prfFromCounts(
  op: string,
  which: Which,
  counts: Float64Array,
  c: number,
  opts: Omit<PrfOptions, keyof LabelOptions> = {},
): number | number[] {
  const average = opts.average ?? 'macro';
  const zd = opts.zeroDivision ?? 0;
  const tp = new Float64Array(c);
  const predicted = new Float64Array(c);
  const support = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      support[i] += counts[i * c + j];
      predicted[j] += counts[i * c + j];
    }
    tp[i] = counts[i * c + i];
  }
  const score = (t: number, p: number, s: number): number => {
    const den = which === 'precision' ? p : which === 'recall' ? s : p + s;
    return den === 0 ? zd : ((which === 'f1' ? 2 : 1) * t) / den;
  };
  if (average === 'none') return Array.from(tp, (t, i) => score(t, predicted[i], support[i]));
  if (average === 'binary') {
    const pos = opts.posLabel ?? 1;
    if (!Number.isInteger(pos) || pos < 0 || pos >= c) {
      throw new ValueError(op, `expected posLabel in [0, ${c}) for average 'binary', got ${pos}`);
    }
    return score(tp[pos], predicted[pos], support[pos]);
  }
  const classes: number[] = [];
  for (let i = 0; i < c; i++) if (opts.numClasses !== undefined || support[i] + predicted[i] > 0) classes.push(i);
  if (classes.length === 0) return NaN;
  if (average === 'micro') {
    let t = 0;
    let p = 0;
    let s = 0;
    for (const i of classes) [t, p, s] = [t + tp[i], p + predicted[i], s + support[i]];
    return score(t, p, s);
  }
  if (average === 'macro')
    return classes.reduce((acc, i) => acc + score(tp[i], predicted[i], support[i]), 0) / classes.length;
  if (average === 'weighted') {
    const total = classes.reduce((acc, i) => acc + support[i], 0);
    if (total === 0) return zd;
    return classes.reduce((acc, i) => acc + support[i] * score(tp[i], predicted[i], support[i]), 0) / total;
  }
  throw new ValueError(op, `expected average 'macro', 'micro', 'weighted', 'binary' or 'none', got ${String(average)}`);
}

function prf(which: Which, input: Tensor, target: Tensor, opts: PrfOptions): number | number[] {
  const pairs = labelPairs(which, input, target, opts);
  const c = classCount(which, pairs, opts.numClasses);
  return prfFromCounts(which, which, countPairs(pairs, c), c, opts);
}

/** `PrfOptions` asking for one value per class. */
export type PerClass = PrfOptions & { average: 'none' };

/**
 * Precision tp / (tp + fp), averaged over classes as `average` says (default 'macro').
 * @example metrics.precision(logits, labels, { average: 'weighted' })
 */
export function precision(input: Tensor, target: Tensor, opts: PerClass): number[];
export function precision(input: Tensor, target: Tensor, opts?: PrfOptions): number;
export function precision(input: Tensor, target: Tensor, opts: PrfOptions = {}): number | number[] {
  return prf('precision', input, target, opts);
}

/**
 * Recall tp / (tp + fn), averaged over classes as `average` says (default 'macro').
 * @example metrics.recall(logits, labels, { average: 'none' }) // per class
 */
export function recall(input: Tensor, target: Tensor, opts: PerClass): number[];
export function recall(input: Tensor, target: Tensor, opts?: PrfOptions): number;
export function recall(input: Tensor, target: Tensor, opts: PrfOptions = {}): number | number[] {
  return prf('recall', input, target, opts);
}

/**
 * F1 = 2tp / (2tp + fp + fn), the harmonic mean of precision and recall, averaged over classes
 * as `average` says (default 'macro': the mean of per-class F1, as scikit-learn).
 * @example metrics.f1(logits, labels, { average: 'micro' })
 */
export function f1(input: Tensor, target: Tensor, opts: PerClass): number[];
export function f1(input: Tensor, target: Tensor, opts?: PrfOptions): number;
export function f1(input: Tensor, target: Tensor, opts: PrfOptions = {}): number | number[] {
  return prf('f1', input, target, opts);
}
