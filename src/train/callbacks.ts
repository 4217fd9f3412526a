// Callbacks that watch a monitored value (early stopping) or drive the learning rate.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { ReduceLROnPlateau } from '../optim/lrScheduler/plateau.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callback, FitState, History, HistoryEntry, SchedulerLike } from './types.js';

/** Whether a monitored value should fall ('min') or rise ('max'); 'auto' guesses from its name. */
export type MonitorMode = 'auto' | 'min' | 'max';

const TOP_LEVEL = ['trainLoss', 'valLoss', 'lr', 'seconds', 'epoch'] as const;

/**
 * The value of `key` in an epoch's entry: `trainLoss` (alias `loss`), `valLoss`, `lr`,
 * `seconds`, or a metric name (`accuracy`, `valAccuracy`, ...); undefined when absent.
 * @example train.monitorValue(history.epochs[0], 'valAccuracy')
 */
export function monitorValue(entry: HistoryEntry, key: string): number | undefined {
  const k = key === 'loss' ? 'trainLoss' : key;
  if ((TOP_LEVEL as readonly string[]).includes(k)) {
    const v = entry[k as (typeof TOP_LEVEL)[number]];
    return v === null ? undefined : v;
  }
  return entry.metrics[k];
}

/**
 * Tracks the best value of one monitored quantity: an improvement must beat the best by more
 * than `minDelta` in the direction of `mode`; NaN never improves.
 */
export class Monitor {
  readonly key: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  best: number;
  bestEpoch: number | null = null;
  readonly #initial: number;

  constructor(op: string, key: string, mode: MonitorMode = 'auto', minDelta = 0, baseline?: number) {
    if (typeof key !== 'string' || key === '')
      throw new ValueError(op, `expected monitor to be a key, got ${String(key)}`);
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
      throw new ValueError(op, `expected mode 'auto', 'min' or 'max', got ${String(mode)}`);
    }
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) {
      throw new ValueError(op, `expected minDelta >= 0, got ${minDelta}`);
    }
    this.key = key;
    this.mode = mode === 'auto' ? (/acc|f1|precision|recall|r2|pearson|auc/i.test(key) ? 'max' : 'min') : mode;
    this.minDelta = minDelta;
    this.#initial = baseline ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.best = this.#initial;
  }

  /** Forgets the best value. */
  reset(): void {
    this.best = this.#initial;
    this.bestEpoch = null;
  }

  /** The monitored value of `entry`, with an error naming the available keys when it is missing. */
  value(op: string, entry: HistoryEntry): number {
    const v = monitorValue(entry, this.key);
    if (v === undefined) {
      const keys = [...TOP_LEVEL.filter((k) => entry[k] !== null), ...Object.keys(entry.metrics)];
      throw new ValueError(
        op,
        `expected the monitored value "${this.key}" in the epoch logs (${keys.join(', ')}), got none${this.key.startsWith('val') ? ' (no valLoader?)' : ''}`,
      );
    }
    return v;
  }

  /** Whether `v` beats the best so far. */
  improves(v: number): boolean {
    return this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta;
  }

  /** Reads the entry's value and records it if it improves; returns the value and the verdict. */
  record(op: string, entry: HistoryEntry): { value: number; improved: boolean } {
    const value = this.value(op, entry);
    const improved = this.improves(value);
    if (improved) {
      this.best = value;
      this.bestEpoch = entry.epoch;
    }
    return { value, improved };
  }
}

/** Options of `EarlyStopping` (Keras's defaults). */
export interface EarlyStoppingOptions {
  /** The value to watch (default 'valLoss'). */
  monitor?: string;
  mode?: MonitorMode;
  /** Epochs without improvement tolerated before stopping (default 0). */
  patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** A value the monitored quantity must beat to count as improving at all. */
  baseline?: number;
  /** At the end of training, load the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when the monitored value has not improved for `patience` epochs in a row, as
 * Keras's `EarlyStopping`; optionally restores the best epoch's weights at the end. When resuming
 * with a history, the counters are replayed from it (the weights of epochs before the resume are
 * not available to restore).
 * @example
 * await train.fit(model, { ..., callbacks: [new train.EarlyStopping({ patience: 3, restoreBestWeights: true })] });
 */
export class EarlyStopping implements Callback {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch after which training stopped, or null. */
  stoppedEpoch: number | null = null;
  /** The epoch whose weights were restored at the end, or null. */
  restoredEpoch: number | null = null;
  #bestWeights: Record<string, Tensor> | null = null;

  constructor(opts: EarlyStoppingOptions = {}) {
    const op = 'EarlyStopping';
    this.monitor = new Monitor(op, opts.monitor ?? 'valLoss', opts.mode, opts.minDelta ?? 0, opts.baseline);
    const p = opts.patience ?? 0;
    if (!Number.isInteger(p) || p < 0) throw new ValueError(op, `expected patience to be an integer >= 0, got ${p}`);
    this.patience = p;
    this.restoreBestWeights = opts.restoreBestWeights ?? false;
  }

  onTrainBegin(state: FitState): void {
    this.monitor.reset();
    this.wait = 0;
    this.stoppedEpoch = this.restoredEpoch = null;
    this.#bestWeights = null;
    for (const entry of state.history.epochs) this.#observe(entry);
  }

  #observe(entry: HistoryEntry): boolean {
    if (this.monitor.record('EarlyStopping', entry).improved) {
      this.wait = 0;
      return true;
    }
    this.wait++;
    return false;
  }

  onEpochEnd(entry: HistoryEntry, state: FitState): void {
    if (this.#observe(entry)) {
      if (this.restoreBestWeights) this.#bestWeights = snapshot(state.model.stateDict());
    } else if (this.wait >= this.patience) {
      this.stoppedEpoch = entry.epoch;
      state.stopTraining = true;
    }
  }

  onTrainEnd(_history: History, state: FitState): void {
    const best = this.monitor.bestEpoch;
    const last = state.history.epochs.at(-1)?.epoch;
    if (this.restoreBestWeights && this.#bestWeights && best !== null && best !== last) {
      state.model.loadStateDict(this.#bestWeights);
      this.restoredEpoch = best;
    }
  }
}

/** A copy of a state dict that later in-place updates cannot change. */
export function snapshot(sd: Record<string, Tensor>): Record<string, Tensor> {
  return noGrad(() => Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.detach().clone()])));
}

/** Options of `LRSchedulerCallback`. */
export interface LRSchedulerCallbackOptions {
  /** Step after every epoch (default) or after every optimizer step. */
  interval?: 'epoch' | 'batch';
  /** For `ReduceLROnPlateau`: the value passed to `step` (default 'valLoss'). */
  monitor?: string;
}

/**
 * Steps an LR scheduler during `fit`: once per epoch (after validation) or once per batch (for
 * `OneCycleLR`, `CyclicLR`, warm-up); `ReduceLROnPlateau` receives the monitored value. It runs
 * before other callbacks (order -100), so checkpoints hold the stepped scheduler and lr.
 * @example
 * callbacks: [new train.LRSchedulerCallback(new optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps }), { interval: 'batch' })]
 */
export class LRSchedulerCallback implements Callback {
  readonly order = -100;
  readonly scheduler: SchedulerLike;
  readonly interval: 'epoch' | 'batch';
  readonly monitor: string;
  readonly #plateau: boolean;

  constructor(scheduler: SchedulerLike, opts: LRSchedulerCallbackOptions = {}) {
    const op = 'LRSchedulerCallback';
    if (!scheduler || typeof scheduler.step !== 'function') {
      throw new ValueError(op, `expected a scheduler with a step method, got ${typeof scheduler}`);
    }
    this.scheduler = scheduler;
    this.interval = opts.interval ?? 'epoch';
    if (this.interval !== 'epoch' && this.interval !== 'batch') {
      throw new ValueError(op, `expected interval 'epoch' or 'batch', got ${String(this.interval)}`);
    }
    this.monitor = opts.monitor ?? 'valLoss';
    this.#plateau = scheduler instanceof ReduceLROnPlateau;
    if (this.#plateau && this.interval === 'batch') {
      throw new ValueError(
        op,
        "expected interval 'epoch' for ReduceLROnPlateau (it steps on an epoch's metric), got 'batch'",
      );
    }
  }

  onTrainBegin(state: FitState): void {
    state.scheduler ??= this.scheduler;
  }

  onBatchEnd(): void {
    if (this.interval === 'batch') this.scheduler.step();
  }

  onEpochEnd(entry: HistoryEntry): void {
    if (this.interval !== 'epoch') return;
    if (!this.#plateau) return this.scheduler.step();
    const v = monitorValue(entry, this.monitor);
    if (v === undefined) {
      throw new ValueError(
        'LRSchedulerCallback',
        `expected the monitored value "${this.monitor}" for ReduceLROnPlateau, got none (no valLoader? monitor 'trainLoss')`,
      );
    }
    (this.scheduler as unknown as ReduceLROnPlateau).step(v);
  }
}
