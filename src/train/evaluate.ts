// Evaluation and prediction: eval mode, no gradient recording, the model's previous mode restored.
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ValueError } from '../errors.js';
import { createMetric, type Metric, type MetricSpec } from '../metrics/streaming.js';
import { cat } from '../ops/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { batchSize, callLoss, callModel, checkLoader, checkLoss, describe, inputsOf, unpackBatch } from './batches.js';
import type { Loader, LossFn, PrepareBatch, TrainableModel } from './types.js';

/** Metrics as `fit` and `evaluate` take them: a list (names from the metrics) or a record. */
export type MetricsArg = readonly MetricSpec[] | Record<string, MetricSpec>;

/** A set of named streaming metrics updated together. */
export class MetricSet {
  readonly entries: [string, Metric][];

  constructor(op: string, spec: MetricsArg | undefined) {
    const list: [string, Metric][] = Array.isArray(spec)
      ? spec.map((s) => {
          const m = createMetric(s);
          return [m.name, m];
        })
      : Object.entries(spec ?? {}).map(([name, s]) => [name, createMetric(s, name)]);
    const seen = new Set<string>();
    for (const [name] of list) {
      if (seen.has(name)) throw new ValueError(op, `expected distinct metric names, got "${name}" twice`);
      seen.add(name);
    }
    this.entries = list;
  }

  update(op: string, output: unknown, target: unknown): void {
    if (this.entries.length === 0) return;
    if (!(output instanceof Tensor) || !(target instanceof Tensor)) {
      throw new DTypeError(
        op,
        `expected the model output and target to be Tensors for metrics, got ${describe(output)} and ${describe(target)}`,
      );
    }
    const out = output.detach();
    for (const [, m] of this.entries) m.update(out, target);
  }

  values(prefix = ''): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, m] of this.entries)
      out[prefix ? prefix + name[0].toUpperCase() + name.slice(1) : name] = m.compute();
    return out;
  }

  reset(): void {
    for (const [, m] of this.entries) m.reset();
  }
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** The loss to average over the loader's samples (optional). */
  loss?: LossFn;
  metrics?: MetricsArg;
  prepareBatch?: PrepareBatch;
}

/** What `evaluate` returns. */
export interface Evaluation {
  /** Mean loss per sample (batch losses weighted by batch size), or null without `loss`. */
  loss: number | null;
  metrics: Record<string, number>;
}

/** Runs a model over a loader in eval mode; the shared core of `evaluate` and `fit`'s validation. */
export async function evaluateWith(
  op: string,
  model: TrainableModel,
  loader: Loader,
  loss: LossFn | undefined,
  metrics: MetricSet,
  prepare: PrepareBatch | undefined,
): Promise<Evaluation> {
  checkLoader(op, loader, 'the loader');
  const wasTraining = model.training ?? true;
  model.eval();
  metrics.reset();
  let sum = 0;
  let count = 0;
  try {
    for await (const batch of loader) {
      const [inputs, target] = unpackBatch(op, batch, prepare);
      noGrad(() => {
        const output = callModel(model, inputs);
        const n = batchSize(target, inputs);
        if (loss) sum += Number(callLoss(op, loss, output, target).item()) * n;
        count += n;
        metrics.update(op, output, target);
      });
    }
  } finally {
    model.train(wasTraining);
  }
  return { loss: loss ? (count ? sum / count : NaN) : null, metrics: metrics.values() };
}

/**
 * Evaluates a model on a loader without recording gradients, in eval mode (dropout off, batch
 * norm on running stats), restoring the model's mode afterwards. Loss and metrics are exact over
 * all samples.
 * @example
 * const { loss, metrics: m } = await train.evaluate(model, testLoader, {
 *   loss: nn.functional.crossEntropy, metrics: ['accuracy'],
 * });
 */
export async function evaluate(model: TrainableModel, loader: Loader, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const op = 'evaluate';
  const loss = opts.loss === undefined ? undefined : checkLoss(op, opts.loss);
  return evaluateWith(op, model, loader, loss, new MetricSet(op, opts.metrics), opts.prepareBatch);
}

/** Options of `predict`. */
export interface PredictOptions {
  /** Split a tensor input into chunks of this many samples (default: one call). */
  batchSize?: number;
  /** Extracts the model inputs from a loader's batch (default: a tensor, `[x, y]` or `{ x }`). */
  prepareBatch?: PrepareBatch;
}

/**
 * The model's outputs in eval mode without gradient recording: for a tensor, right away (in
 * chunks of `batchSize` if given); for a loader, asynchronously, concatenated along dim 0.
 * @example
 * const logits = train.predict(model, xTest);
 * const all = await train.predict(model, testLoader);
 */
export function predict(model: TrainableModel, input: Tensor, opts?: PredictOptions): Tensor;
export function predict(model: TrainableModel, input: Loader, opts?: PredictOptions): Promise<Tensor>;
export function predict(
  model: TrainableModel,
  input: Tensor | Loader,
  opts: PredictOptions = {},
): Tensor | Promise<Tensor> {
  const op = 'predict';
  if (input instanceof Tensor) {
    const bs = opts.batchSize;
    if (bs !== undefined && (!Number.isInteger(bs) || bs < 1)) {
      throw new ValueError(op, `expected batchSize to be a positive integer, got ${bs}`);
    }
    return inEval(model, () => {
      if (bs === undefined || input.ndim === 0 || input.shape[0] <= bs) return asTensor(op, model.call(input));
      const parts: Tensor[] = [];
      for (let i = 0; i < input.shape[0]; i += bs) {
        parts.push(asTensor(op, model.call(input.narrow(0, i, Math.min(bs, input.shape[0] - i)))));
      }
      return cat(parts, 0);
    });
  }
  checkLoader(op, input, 'the input');
  return (async () => {
    const parts: Tensor[] = [];
    for await (const batch of input) {
      const inputs = inputsOf(op, batch, opts.prepareBatch);
      parts.push(inEval(model, () => asTensor(op, callModel(model, inputs))));
    }
    if (parts.length === 0) throw new ValueError(op, 'expected at least one batch, got an empty loader');
    return cat(parts, 0);
  })();
}

function inEval<T>(model: TrainableModel, fn: () => T): T {
  const wasTraining = model.training ?? true;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}

function asTensor(op: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new DTypeError(op, `expected the model to return a Tensor, got ${describe(v)}`);
  return v;
}
