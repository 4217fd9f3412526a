// neurons' network builder (nn.Network) and the types of its options.
export { Network, type NetworkLayer, type LoopbackOptions } from './network.js';
export { FeedbackBlock, type FeedbackOptions } from './feedback.js';
export {
  Dense,
  Convolution,
  Deconvolution,
  Maxpool,
  type BlockLayer,
  type UnitLayer,
  type DenseOptions,
  type ConvolutionOptions,
  type DeconvolutionOptions,
  type MaxpoolOptions,
} from './layers.js';
export { Objective, type ObjectiveName, type ObjectiveArg, type ObjectiveOptions } from './objective.js';
export type { OptimizerSpec } from './optimizer.js';
export type { LearnOptions, LearnHistory, Evaluation } from './learn.js';
export type { Accumulation, ActivationArg, ScaleFn, Size2 } from './common.js';
