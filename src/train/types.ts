// The shapes `fit` works with. Models, loaders and losses are structural, so any `nn.Module`,
// any `DataLoader`, a plain array of batches or an async generator fits.
import type { Optimizer, BaseOptions } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Batches to iterate once per epoch: anything iterable (an array of `[x, y]` pairs, a
 * `DataLoader`) or async iterable. `length` (when present) is the number of batches, used for
 * progress bars and ETAs.
 */
export type Loader<B = unknown> = (Iterable<B> | AsyncIterable<B>) & { readonly length?: number };

/** A model as `fit` drives it (every `nn.Module` fits). */
export interface TrainableModel {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(...inputs: any[]): unknown;
  train(mode?: boolean): unknown;
  eval(): unknown;
  training?: boolean;
  stateDict(): Record<string, Tensor>;
  loadStateDict(state: Record<string, Tensor>, opts?: { strict?: boolean }): unknown;
}

/** A loss: a function `(output, target) => scalar tensor` or a loss module (`nn.CrossEntropyLoss`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LossFn = ((output: any, target: any) => Tensor) | { call(output: any, target: any): Tensor };

/**
 * Turns a batch into the model's inputs and the loss's target: `[inputs, target]`, where
 * `inputs` is one argument or an array of arguments for `model.call`.
 */
export type PrepareBatch<B = unknown> = (batch: B) => [inputs: unknown, target: unknown];

/** Any optimizer. */
export type AnyOptimizer = Optimizer<BaseOptions>;

/** An LR scheduler: epoch-based (`step()`) or `ReduceLROnPlateau` (`step(metric)`). */
export interface SchedulerLike {
  // `never` accepts both `step(epoch?: number)` and `step(metric: number | Tensor)` signatures.
  step(...args: never[]): void;
  stateDict(): unknown;
  loadStateDict(state: never): unknown;
  getLastLr?(): number[];
}

/** One epoch of a history. */
export interface HistoryEntry {
  /** 1-based: the number of epochs completed after this one. */
  epoch: number;
  /** Mean training loss over the epoch's samples (batch losses weighted by batch size). */
  trainLoss: number;
  /** Validation loss, or null without a validation loader. */
  valLoss: number | null;
  /** Training metrics by name, validation metrics as `val` + Name (`accuracy`, `valAccuracy`). */
  metrics: Record<string, number>;
  /** The first parameter group's learning rate during the epoch (at its start). */
  lr: number;
  /** Wall-clock seconds of the epoch, validation included. */
  seconds: number;
}

/** What `fit` returns: one entry per epoch run (continuing a given history when resuming). */
export interface History {
  epochs: HistoryEntry[];
}

/** What batch callbacks receive. */
export interface BatchLogs {
  epoch: number;
  /** 1-based index of the batch within the epoch. */
  step: number;
  /** Batches per epoch when the loader has a `length`, else null. */
  steps: number | null;
  /** This batch's loss. */
  loss: number;
  /** Mean loss of the epoch so far. */
  meanLoss: number;
  /** Samples in this batch (the target's first dim). */
  size: number;
  /** Running training metrics of the epoch so far. */
  metrics: Record<string, number>;
}

/** The training run as callbacks see it; set `stopTraining` to end it after the current batch. */
export interface FitState {
  model: TrainableModel;
  optimizer: AnyOptimizer;
  /** The scheduler checkpoints should save (fit's `scheduler`, or an `LRSchedulerCallback`'s). */
  scheduler: SchedulerLike | null;
  /** The last epoch to run (1-based, inclusive). */
  epochs: number;
  /** Epochs completed before this run (when resuming). */
  initialEpoch: number;
  /** The current epoch (1-based). */
  epoch: number;
  /** Batches per epoch when known. */
  stepsPerEpoch: number | null;
  history: History;
  /** Set to true to end training (checked after every batch and epoch). */
  stopTraining: boolean;
}

/**
 * Hooks called during `fit`, in the order of `order` (lower first, default 0; ties keep the list
 * order). Each may return a promise, which `fit` awaits.
 * @example
 * const printer: train.Callback = { onEpochEnd: (e) => console.log(e.epoch, e.trainLoss) };
 */
export interface Callback {
  order?: number;
  onTrainBegin?(state: FitState): void | Promise<void>;
  onTrainEnd?(history: History, state: FitState): void | Promise<void>;
  onEpochBegin?(epoch: number, state: FitState): void | Promise<void>;
  onEpochEnd?(entry: HistoryEntry, state: FitState): void | Promise<void>;
  onBatchBegin?(step: number, state: FitState): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, state: FitState): void | Promise<void>;
}
