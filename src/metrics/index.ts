/**
 * Metrics for classification (accuracy, top-k, precision/recall/F1, confusion matrix) and
 * regression (MSE, MAE, R², Pearson's r, NMSE), as pure functions on tensors returning numbers
 * and as streaming accumulators that `train.fit` updates batch by batch.
 * @example
 * metrics.accuracy(model.call(x), labels);
 * metrics.f1(logits, labels, { average: 'weighted' });
 */
export { accuracy, confusionMatrix, precision, recall, f1 } from './classification.js';
export type { AccuracyOptions, ConfusionMatrixOptions, PrfOptions, PerClass, Average } from './classification.js';
export type { LabelOptions } from './labels.js';
export { mse, mae, r2, pearson, nmse, Moments } from './regression.js';
export {
  Accuracy,
  ConfusionMatrix,
  Precision,
  Recall,
  F1Score,
  MeanSquaredError,
  MeanAbsoluteError,
  R2Score,
  PearsonCorrCoef,
  NormalizedMSE,
  FunctionMetric,
  createMetric,
  type Metric,
  type MetricFn,
  type MetricSpec,
  type AccuracyMetricOptions,
} from './streaming.js';
