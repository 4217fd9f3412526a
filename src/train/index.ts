/**
 * Training: `fit` (epochs, validation, metrics, gradient clipping, callbacks, history),
 * `evaluate`, `predict`, and callbacks for early stopping, checkpoints, LR scheduling, CSV logs
 * and progress display. Browser-safe; `nabla/node` adds file savers and a terminal progress bar.
 * @example
 * const history = await train.fit(model, {
 *   loss: nn.functional.crossEntropy, optimizer, trainLoader, valLoader, epochs: 10,
 *   metrics: ['accuracy'], callbacks: [new train.EarlyStopping({ patience: 2 })],
 * });
 */
export { fit, type FitOptions, type GradClip } from './fit.js';
export {
  evaluate,
  predict,
  type EvaluateOptions,
  type Evaluation,
  type PredictOptions,
  type MetricsArg,
} from './evaluate.js';
export {
  EarlyStopping,
  LRSchedulerCallback,
  Monitor,
  monitorValue,
  type EarlyStoppingOptions,
  type LRSchedulerCallbackOptions,
  type MonitorMode,
} from './callbacks.js';
export {
  ModelCheckpoint,
  resumeFrom,
  formatPath,
  type ModelCheckpointOptions,
  type CheckpointSaver,
  type SaveInfo,
  type Resume,
} from './checkpoint.js';
export { CSVLogger, type CSVLoggerOptions } from './csv.js';
export { ProgressCallback, fmtDuration, fmtValue, type ProgressOptions, type ProgressStream } from './progress.js';
export type {
  Loader,
  TrainableModel,
  LossFn,
  PrepareBatch,
  SchedulerLike,
  History,
  HistoryEntry,
  BatchLogs,
  FitState,
  Callback,
} from './types.js';
