// The nn namespace: modules, containers and parameters (layers land beside these files).
export { Module, type AnyModule, type StateDict, type LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export {
  handwiredForward,
  handwiredBackward,
  IntermediateStash,
  type HandwiredOptions,
  type OutputGrad,
  type InputGrad,
  type ParamEntry,
} from './handwired.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export * as functional from './functional/index.js';
export * as init from './init.js';
export { Identity, Linear, Bilinear, Flatten, Unflatten, type LinearOptions } from './linear.js';
export {
  ReLU,
  ReLU6,
  LeakyReLU,
  ELU,
  SELU,
  CELU,
  GELU,
  SiLU,
  Mish,
  Softplus,
  Softsign,
  Hardtanh,
  Hardsigmoid,
  Hardswish,
  LogSigmoid,
  Sigmoid,
  Tanh,
  Softmax,
  LogSoftmax,
  Softmin,
  type InplaceOptions,
} from './activation.js';
export {
  Dropout,
  Dropout1d,
  Dropout2d,
  Dropout3d,
  AlphaDropout,
  FeatureAlphaDropout,
  type DropoutModuleOptions,
} from './dropout.js';
export {
  Embedding,
  EmbeddingBag,
  type EmbeddingModuleOptions,
  type EmbeddingBagModuleOptions,
  type PretrainedOptions,
} from './embedding.js';
export {
  LayerNorm,
  RMSNorm,
  GroupNorm,
  L2Norm,
  type LayerNormOptions,
  type RMSNormOptions,
  type GroupNormOptions,
} from './normalization.js';
export {
  BatchNorm1d,
  BatchNorm2d,
  BatchNorm3d,
  InstanceNorm1d,
  InstanceNorm2d,
  InstanceNorm3d,
  type NormOptions,
} from './batchnorm.js';
export * from './loss.js';
export * as utils from './utils.js';
export { Conv1d, Conv2d, Conv3d, type ConvLayerOptions, type PaddingMode } from './conv.js';
export * from './convTranspose.js';
export * from './pooling.js';
export * from './upsample.js';
export {
  RNN,
  LSTM,
  GRU,
  type RNNOptions,
  type LSTMOptions,
  type RNNBaseOptions,
  type RNNForwardOptions,
  type SequenceOf,
} from './rnn.js';
export {
  RNNCell,
  LSTMCell,
  GRUCell,
  rnnCellStep,
  lstmCellStep,
  gruCellStep,
  type RNNCellOptions,
  type LSTMCellOptions,
} from './rnnCells.js';
export type { GateOrder, LSTMGateOptions } from './rnnGates.js';
export {
  MultiheadAttention,
  type MultiheadAttentionOptions,
  type MultiheadAttentionForwardOptions,
} from './attention.js';
export {
  SelfAttention,
  CrossAttention,
  KVCache,
  type AttentionLayerOptions,
  type AttentionMaskOptions,
} from './selfAttention.js';
export * from './transformer.js';
export * from './transformerStack.js';
export { TransformerBlock, type TransformerBlockOptions } from './transformerBlock.js';
export { cloneModule, type Rebuildable, type ModuleSource } from './clone.js';
export * from './positional.js';
export * from './masks.js';
export * from './linearAttention.js';
export * from './linearTransformer.js';
export {
  LinearSSM,
  SelectiveSSM,
  diagonalScan,
  type InitFn,
  type LinearSSMOptions,
  type SelectiveSSMOptions,
  type SSMOptions,
  type StateOptions,
} from './ssm.js';
export { RNNReservoir, ESN, spectralRadius, type ReservoirOptions, type RidgeOptions } from './reservoir.js';
export * from './spiking.js';
export * from './sequence.js';
export {
  Network,
  type NetworkLayer,
  type DenseOptions,
  type ConvolutionOptions,
  type DeconvolutionOptions,
  type MaxpoolOptions,
  type BlockLayer,
  type FeedbackOptions,
  type LoopbackOptions,
  type ObjectiveArg,
  type ObjectiveOptions,
  type OptimizerSpec,
  type LearnOptions,
  type LearnHistory,
} from './network/index.js';
