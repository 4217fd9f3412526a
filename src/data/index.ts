/**
 * Data loading, as torch.utils.data: datasets, samplers, the DataLoader, splits, sequence
 * padding, feature scalers, CSV and IDX parsing, and ready-made datasets. Browser-safe; the
 * file readers (`readCsv`, `readIdx`) live in `nabla/node`.
 * @example
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for (const [xb, yb] of loader) { ... }
 */
export { Dataset, TensorDataset, Subset, ConcatDataset, type MapDataset, type DatasetLike } from './dataset.js';
export { defaultCollate, type Collated } from './collate.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export {
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
  type Sampler,
  type SizeSource,
  type RandomSamplerOptions,
  type WeightedRandomSamplerOptions,
} from './samplers.js';
export { randomSplit, kFold, type Fold, type KFoldOptions } from './split.js';
export {
  padSequence,
  batchWithMask,
  type PadSequenceOptions,
  type BatchWithMaskOptions,
  type MaskedBatch,
} from './sequence.js';
export {
  MinMaxScaler,
  StandardScaler,
  type MinMaxScalerOptions,
  type StandardScalerOptions,
  type ScalerState,
} from './scalers.js';
export { parseCsv, type CsvOptions, type CsvData, type ColumnRef } from './csv.js';
export { parseIdx, parseIdxAsync, encodeIdx, isGzip, type IdxOptions, type IdxType } from './idx.js';
export * as datasets from './datasets/index.js';
