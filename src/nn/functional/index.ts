// nn.functional: the stateless forms of the layers (each family adds its module here).
export {
  relu,
  relu6,
  leakyRelu,
  elu,
  selu,
  celu,
  gelu,
  silu,
  mish,
  softplus,
  softsign,
  hardtanh,
  hardsigmoid,
  hardswish,
  logsigmoid,
  sigmoid,
  tanh,
  softmax,
  logSoftmax,
} from '../../ops/index.js';
export { softmin } from './softmin.js';
export { linear, bilinear } from './linear.js';
export {
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  alphaDropout,
  featureAlphaDropout,
  type DropoutOptions,
} from './dropout.js';
export { embedding, embeddingBag, type EmbeddingOptions, type EmbeddingBagOptions } from './embedding.js';
export {
  layerNorm,
  rmsNorm,
  groupNorm,
  batchNorm,
  instanceNorm,
  normalize,
  type AffineOptions,
  type BatchNormOptions,
  type InstanceNormOptions,
} from './normalization.js';
export * from './losses.js';
export { conv1d, conv2d, conv3d, type ConvOptions } from './conv.js';
export * from './convTranspose.js';
export * from './fold.js';
export type { SizeArg } from './geometry.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, type MaxPoolOptions, type AvgPoolOptions } from './pooling.js';
export { maxUnpool2d, type MaxUnpoolOptions } from './unpool.js';
export {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
} from './adaptive.js';
export type { AdaptiveSize } from './adaptive.js';
export * from './upsample.js';
export {
  scaledDotProductAttention,
  MATH_MAX_LEN,
  type ScaledDotProductAttentionOptions,
  type AttentionKernel,
} from './attention.js';
export {
  multiHeadAttentionForward,
  type MultiHeadAttentionWeights,
  type MultiHeadAttentionOptions,
} from './multiheadAttention.js';
export * from './sampling.js';
