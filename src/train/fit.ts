// The training loop: epochs of optimizer steps over a loader, validation, metrics, callbacks.
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ValueError } from '../errors.js';
import { clipGradNorm_, clipGradValue_ } from '../nn/utils.js';
import { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchSize, callLoss, callModel, checkLoader, checkLoss, loaderLength, now, unpackBatch } from './batches.js';
import { LRSchedulerCallback } from './callbacks.js';
import { MetricSet, evaluateWith, type MetricsArg } from './evaluate.js';
import type {
  AnyOptimizer,
  BatchLogs,
  Callback,
  FitState,
  History,
  HistoryEntry,
  Loader,
  LossFn,
  PrepareBatch,
  SchedulerLike,
  TrainableModel,
} from './types.js';

/** Gradient clipping: a max 2-norm, or `{ maxNorm, normType }`, or `{ value }` for clamping. */
export type GradClip = number | { maxNorm: number; normType?: number | 'inf' } | { value: number };

/** Options of `fit`. */
export interface FitOptions {
  /** `(output, target) => scalar` or a loss module; its value is taken as a per-sample mean. */
  loss: LossFn;
  optimizer: AnyOptimizer;
  /**
   * Stepped once per epoch after validation (`ReduceLROnPlateau` with `valLoss`, or `trainLoss`
   * without a validation loader). For per-batch stepping use an `LRSchedulerCallback`.
   */
  scheduler?: SchedulerLike;
  /** Batches of `[inputs, target]` or `{ x, y }` (see `prepareBatch`); sync or async iterable. */
  trainLoader: Loader;
  valLoader?: Loader;
  /** The last epoch (1-based, inclusive; default 1). With `initialEpoch`, the total, as in Keras. */
  epochs?: number;
  /** Epochs already completed (when resuming; default 0). */
  initialEpoch?: number;
  /** A history to continue (when resuming); new epochs are appended to a copy. */
  history?: History;
  /** Metrics by name ('accuracy', 'f1', 'mse', ...), `Metric` objects or functions. */
  metrics?: MetricsArg;
  /** Also compute metrics on the training batches (default true). */
  trainMetrics?: boolean;
  callbacks?: readonly Callback[];
  gradClip?: GradClip;
  /** Unpacks a batch into `[inputs, target]`; inputs may be an array of `model.call` arguments. */
  prepareBatch?: PrepareBatch;
}

/**
 * Trains `model` for `epochs` epochs: for each batch, clears the gradients, runs the model and
 * the loss, back-propagates, clips, and steps the optimizer (through a closure, so `LBFGS` works
 * too); after each epoch, evaluates on `valLoader` (eval mode, no gradients), steps the
 * scheduler, and calls the callbacks. Throws on a non-finite loss. Returns the history: per
 * epoch the training loss (mean over samples), validation loss, metrics, lr and duration.
 * @example
 * const history = await train.fit(model, {
 *   loss: nn.functional.crossEntropy,
 *   optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
 *   trainLoader, valLoader, epochs: 10, metrics: ['accuracy'],
 *   callbacks: [new train.EarlyStopping({ patience: 2 })],
 * });
 */
export async function fit(model: TrainableModel, opts: FitOptions): Promise<History> {
  const op = 'fit';
  if (!model || typeof model.call !== 'function' || typeof model.train !== 'function') {
    throw new DTypeError(op, `expected a model with call and train methods (an nn.Module), got ${typeof model}`);
  }
  const loss = checkLoss(op, opts.loss);
  if (!(opts.optimizer instanceof Optimizer)) {
    throw new DTypeError(op, `expected optimizer to be an optim.Optimizer, got ${typeof opts.optimizer}`);
  }
  const optimizer = opts.optimizer;
  const trainLoader = checkLoader(op, opts.trainLoader, 'trainLoader');
  const valLoader = opts.valLoader === undefined ? undefined : checkLoader(op, opts.valLoader, 'valLoader');
  const initialEpoch = opts.initialEpoch ?? 0;
  const epochs = opts.epochs ?? 1;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
    throw new ValueError(op, `expected initialEpoch to be an integer >= 0, got ${initialEpoch}`);
  }
  if (!Number.isInteger(epochs) || epochs < initialEpoch) {
    throw new ValueError(op, `expected epochs to be an integer >= initialEpoch (${initialEpoch}), got ${epochs}`);
  }
  const clip = gradClipper(op, opts.gradClip, optimizer);
  const metrics = new MetricSet(op, opts.metrics);
  const trainMetrics = opts.trainMetrics ?? true;

  const callbacks = [...(opts.callbacks ?? [])];
  if (opts.scheduler !== undefined) {
    const monitor = valLoader ? 'valLoss' : 'trainLoss';
    callbacks.push(new LRSchedulerCallback(opts.scheduler, { monitor }));
  }
  // Stable sort by `order`: the scheduler steps before checkpoints save its state.
  const ordered = callbacks
    .map((c, i) => [c, i] as const)
    .sort((a, b) => (a[0].order ?? 0) - (b[0].order ?? 0) || a[1] - b[1]);
  const cbs = ordered.map(([c]) => c);
  const emit = async <K extends keyof Callback>(hook: K, ...args: unknown[]): Promise<void> => {
    for (const cb of cbs) {
      const f = cb[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof f !== 'function') continue;
      const r = f.apply(cb, args);
      if (r instanceof Promise) await r;
    }
  };

  const history: History = { epochs: [...(opts.history?.epochs ?? [])] };
  const state: FitState = {
    model,
    optimizer,
    scheduler: opts.scheduler ?? null,
    epochs,
    initialEpoch,
    epoch: initialEpoch,
    stepsPerEpoch: loaderLength(trainLoader),
    history,
    stopTraining: false,
  };
  const wasTraining = model.training ?? true;
  await emit('onTrainBegin', state);
  try {
    for (let epoch = initialEpoch + 1; epoch <= epochs && !state.stopTraining; epoch++) {
      state.epoch = epoch;
      await emit('onEpochBegin', epoch, state);
      const t0 = now();
      const lr = optimizer.paramGroups[0].lr;
      model.train(true);
      metrics.reset();
      let sum = 0;
      let count = 0;
      let step = 0;
      for await (const batch of trainLoader) {
        await emit('onBatchBegin', step + 1, state);
        const [inputs, target] = unpackBatch(op, batch, opts.prepareBatch);
        let output: unknown;
        let first: Tensor | null = null;
        // LBFGS calls the closure several times; the first evaluation is the step's loss.
        optimizer.step(() => {
          optimizer.zeroGrad();
          const out = callModel(model, inputs);
          const l = callLoss(op, loss, out, target);
          l.backward();
          if (clip) clip();
          if (first === null) [first, output] = [l, out];
          return l;
        });
        const value = Number((first as Tensor | null)?.item());
        step++;
        if (!Number.isFinite(value)) {
          throw new ValueError(op, `expected a finite loss, got ${value} at epoch ${epoch}, batch ${step}`);
        }
        const n = batchSize(target, inputs);
        sum += value * n;
        count += n;
        if (trainMetrics) noGrad(() => metrics.update(op, output, target));
        const logs: BatchLogs = {
          epoch,
          step,
          steps: state.stepsPerEpoch,
          loss: value,
          meanLoss: sum / count,
          size: n,
          metrics: trainMetrics ? metrics.values() : {},
        };
        await emit('onBatchEnd', logs, state);
        if (state.stopTraining) break;
      }
      if (step === 0) {
        const hint = epoch > initialEpoch + 1 ? ' (a one-shot generator? pass an array or a DataLoader)' : '';
        throw new ValueError(op, `expected trainLoader to yield batches, got none in epoch ${epoch}${hint}`);
      }
      const entryMetrics = trainMetrics ? metrics.values() : {};
      let valLoss: number | null = null;
      if (valLoader) {
        const ev = await evaluateWith(op, model, valLoader, loss, metrics, opts.prepareBatch);
        valLoss = ev.loss;
        Object.assign(entryMetrics, metrics.values('val'));
      }
      const entry: HistoryEntry = {
        epoch,
        trainLoss: sum / count,
        valLoss,
        metrics: entryMetrics,
        lr,
        seconds: (now() - t0) / 1000,
      };
      history.epochs.push(entry);
      await emit('onEpochEnd', entry, state);
    }
  } finally {
    model.train(wasTraining);
  }
  await emit('onTrainEnd', history, state);
  return history;
}

function gradClipper(op: string, clip: GradClip | undefined, optimizer: AnyOptimizer): (() => void) | null {
  if (clip === undefined) return null;
  const params = () => optimizer.paramGroups.flatMap((g) => g.params);
  if (typeof clip === 'number') {
    if (!(clip > 0)) throw new ValueError(op, `expected gradClip > 0, got ${clip}`);
    return () => void clipGradNorm_(params(), clip);
  }
  if (clip && typeof clip === 'object' && 'maxNorm' in clip) {
    if (!(clip.maxNorm > 0)) throw new ValueError(op, `expected gradClip.maxNorm > 0, got ${clip.maxNorm}`);
    return () => void clipGradNorm_(params(), clip.maxNorm, { normType: clip.normType });
  }
  if (clip && typeof clip === 'object' && 'value' in clip) {
    if (!(clip.value > 0)) throw new ValueError(op, `expected gradClip.value > 0, got ${clip.value}`);
    return () => clipGradValue_(params(), clip.value);
  }
  throw new ValueError(op, `expected gradClip to be a number, { maxNorm } or { value }, got ${JSON.stringify(clip)}`);
}
