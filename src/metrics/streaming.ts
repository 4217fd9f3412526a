// Streaming metrics: accumulate batch by batch, compute once per epoch. `fit` and `evaluate` use
// them, so an epoch's value is exact over the whole epoch (not a mean of batch values).
import { ValueError } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { topKCounts, countPairs, prfFromCounts, type Average, type PrfOptions } from './classification.js';
import { classCount, labelPairs, type LabelOptions } from './labels.js';
import { Moments } from './regression.js';

/**
 * A metric that accumulates over batches: `update` per batch, `compute` for the value so far,
 * `reset` between epochs. Implement it for a custom metric that `fit` should track.
 * @example
 * const acc = new metrics.Accuracy();
 * for (const [x, y] of batches) acc.update(model.call(x), y);
 * acc.compute();
 */
export interface Metric {
  /** The key under which `fit` records the value (validation values get a `val` prefix). */
  readonly name: string;
  update(output: Tensor, target: Tensor): void;
  compute(): number;
  reset(): void;
}

/** A per-batch metric function; `fit` averages its values weighted by batch size. */
export type MetricFn = (output: Tensor, target: Tensor) => number;

/**
 * Accumulated confusion counts (rows = true class, columns = predicted), growing with the labels
 * it sees unless `numClasses` is given.
 * @example
 * const cm = new metrics.ConfusionMatrix({ numClasses: 10 });
 * cm.update(logits, labels);
 * cm.tensor(); // int32 [10, 10]
 */
export class ConfusionMatrix {
  #opts: LabelOptions & { numClasses?: number };
  #c = 0;
  #counts = new Float64Array(0);

  constructor(opts: LabelOptions & { numClasses?: number } = {}) {
    this.#opts = { ...opts };
    if (opts.numClasses !== undefined) this.#grow(opts.numClasses);
  }

  /** The number of classes so far. */
  get numClasses(): number {
    return this.#c;
  }

  /** Adds a batch (inputs read as by `metrics.accuracy`). */
  update(output: Tensor, target: Tensor, op = 'ConfusionMatrix.update'): void {
    const pairs = labelPairs(op, output, target, this.#opts);
    const c = classCount(op, pairs, this.#opts.numClasses);
    if (c > this.#c) this.#grow(c);
    countPairs(pairs, this.#c, this.#counts);
  }

  #grow(c: number): void {
    const next = new Float64Array(c * c);
    for (let i = 0; i < this.#c; i++) for (let j = 0; j < this.#c; j++) next[i * c + j] = this.#counts[i * this.#c + j];
    this.#c = c;
    this.#counts = next;
  }

  /** Row-major counts (a copy). */
  counts(): Float64Array {
    return this.#counts.slice();
  }

  /** The counts as an int32 `[C, C]` tensor. */
  tensor(): Tensor {
    return tensor(Int32Array.from(this.#counts), { dtype: 'int32' }).reshape([this.#c, this.#c]);
  }

  /** Zeroes the counts (keeping the class count). */
  reset(): void {
    this.#counts.fill(0);
  }
}

/** Options of the `Accuracy` metric. */
export interface AccuracyMetricOptions extends LabelOptions {
  topK?: number;
}

/**
 * Streaming accuracy (or top-k accuracy): correct / total over everything seen.
 * @example fit(model, { ..., metrics: [new metrics.Accuracy({ topK: 5 })] })
 */
export class Accuracy implements Metric {
  readonly name: string;
  #opts: AccuracyMetricOptions;
  #correct = 0;
  #total = 0;

  constructor(opts: AccuracyMetricOptions = {}) {
    this.#opts = { ...opts };
    const k = opts.topK ?? 1;
    this.name = k === 1 ? 'accuracy' : `top${k}Accuracy`;
  }

  update(output: Tensor, target: Tensor): void {
    const k = this.#opts.topK ?? 1;
    if (k !== 1) {
      const r = topKCounts('Accuracy.update', output, target, k, this.#opts.ignoreIndex);
      this.#correct += r.correct;
      this.#total += r.total;
      return;
    }
    const { pred, truth } = labelPairs('Accuracy.update', output, target, this.#opts);
    for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) this.#correct++;
    this.#total += pred.length;
  }

  compute(): number {
    return this.#total === 0 ? NaN : this.#correct / this.#total;
  }

  reset(): void {
    this.#correct = this.#total = 0;
  }
}

abstract class PrfMetric implements Metric {
  abstract readonly name: string;
  protected abstract readonly which: 'precision' | 'recall' | 'f1';
  #cm: ConfusionMatrix;
  #opts: PrfOptions;

  constructor(opts: PrfOptions = {}) {
    if (opts.average === 'none') {
      throw new ValueError(this.constructor.name, "expected an average other than 'none' (a metric is one number)");
    }
    this.#opts = { ...opts };
    this.#cm = new ConfusionMatrix(opts);
  }

  update(output: Tensor, target: Tensor): void {
    this.#cm.update(output, target, `${this.constructor.name}.update`);
  }

  compute(): number {
    const c = this.#cm.numClasses;
    if (c === 0) return NaN;
    return prfFromCounts(this.constructor.name, this.which, this.#cm.counts(), c, this.#opts) as number;
  }

  reset(): void {
    this.#cm.reset();
  }
}

// 'macro' is the default and keeps the plain name: f1, f1Weighted, f1Micro, f1Binary.
const suffix = (average: Average | undefined) =>
  average && average !== 'macro' ? average[0].toUpperCase() + average.slice(1) : '';

/**
 * Streaming precision with scikit-learn's averaging (default 'macro').
 * @example new metrics.Precision({ average: 'weighted', numClasses: 3 })
 */
export class Precision extends PrfMetric {
  readonly name: string;
  protected readonly which = 'precision';
  constructor(opts: PrfOptions = {}) {
    super(opts);
    this.name = `precision${suffix(opts.average)}`;
  }
}

/**
 * Streaming recall with scikit-learn's averaging (default 'macro').
 * @example new metrics.Recall({ average: 'micro' })
 */
export class Recall extends PrfMetric {
  readonly name: string;
  protected readonly which = 'recall';
  constructor(opts: PrfOptions = {}) {
    super(opts);
    this.name = `recall${suffix(opts.average)}`;
  }
}

/**
 * Streaming F1 score with scikit-learn's averaging (default 'macro').
 * @example new metrics.F1Score({ average: 'binary' })
 */
export class F1Score extends PrfMetric {
  readonly name: string;
  protected readonly which = 'f1';
  constructor(opts: PrfOptions = {}) {
    super(opts);
    this.name = `f1${suffix(opts.average)}`;
  }
}

type MomentStat = 'mse' | 'mae' | 'r2' | 'pearson' | 'nmse';

abstract class MomentMetric implements Metric {
  abstract readonly name: MomentStat;
  #m = new Moments();
  update(output: Tensor, target: Tensor): void {
    this.#m.update(output, target, `${this.constructor.name}.update`);
  }
  compute(): number {
    return this.#m[this.name]();
  }
  reset(): void {
    this.#m.reset();
  }
}

/** Streaming mean squared error. @example new metrics.MeanSquaredError() */
export class MeanSquaredError extends MomentMetric {
  readonly name = 'mse';
}

/** Streaming mean absolute error. @example new metrics.MeanAbsoluteError() */
export class MeanAbsoluteError extends MomentMetric {
  readonly name = 'mae';
}

/** Streaming R² (exact over all batches). @example new metrics.R2Score() */
export class R2Score extends MomentMetric {
  readonly name = 'r2';
}

/** Streaming Pearson correlation (exact over all batches). @example new metrics.PearsonCorrCoef() */
export class PearsonCorrCoef extends MomentMetric {
  readonly name = 'pearson';
}

/** Streaming normalised MSE (MSE / Var(target)). @example new metrics.NormalizedMSE() */
export class NormalizedMSE extends MomentMetric {
  readonly name = 'nmse';
}

/**
 * Wraps a per-batch function as a metric: the mean of its values weighted by batch size (exact
 * for per-sample means such as accuracy; an approximation for R² or correlation).
 * @example new metrics.FunctionMetric('maxError', (y, t) => y.sub(t).abs().amax().item() as number)
 */
export class FunctionMetric implements Metric {
  #sum = 0;
  #count = 0;
  constructor(
    readonly name: string,
    readonly fn: MetricFn,
  ) {}
  update(output: Tensor, target: Tensor): void {
    const n = target instanceof Tensor && target.ndim > 0 ? target.shape[0] : 1;
    this.#sum += this.fn(output, target) * n;
    this.#count += n;
  }
  compute(): number {
    return this.#count === 0 ? NaN : this.#sum / this.#count;
  }
  reset(): void {
    this.#sum = this.#count = 0;
  }
}

const NAMED: Record<string, () => Metric> = {
  accuracy: () => new Accuracy(),
  precision: () => new Precision(),
  recall: () => new Recall(),
  f1: () => new F1Score(),
  mse: () => new MeanSquaredError(),
  mae: () => new MeanAbsoluteError(),
  r2: () => new R2Score(),
  pearson: () => new PearsonCorrCoef(),
  nmse: () => new NormalizedMSE(),
};

/** A metric given by name, object or per-batch function. */
export type MetricSpec = Metric | string | MetricFn;

/**
 * A metric from its name ('accuracy', 'top5Accuracy', 'precision', 'recall', 'f1', 'mse',
 * 'mae', 'r2', 'pearson', 'nmse'), an existing `Metric`, or a function (named `name`).
 * @example metrics.createMetric('top3Accuracy').name // 'top3Accuracy'
 */
export function createMetric(spec: MetricSpec, name?: string): Metric {
  if (typeof spec === 'string') {
    const top = /^top(\d+)(Accuracy)?$/.exec(spec);
    if (top) return new Accuracy({ topK: Number(top[1]) });
    const make = NAMED[spec];
    if (!make) {
      throw new ValueError(
        'createMetric',
        `expected a metric name (${Object.keys(NAMED).join(', ')}, topKAccuracy such as top5Accuracy), got "${spec}"`,
      );
    }
    return make();
  }
  if (typeof spec === 'function') return new FunctionMetric(name ?? (spec.name || 'metric'), spec);
  if (spec && typeof spec === 'object' && typeof spec.update === 'function' && typeof spec.compute === 'function') {
    return spec;
  }
  throw new ValueError('createMetric', `expected a metric name, Metric or function, got ${typeof spec}`);
}
