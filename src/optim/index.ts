// The optim namespace: optimizers, penalties and learning-rate schedulers, as torch.optim.
export {
  Optimizer,
  type BaseOptions,
  type ParamGroup,
  type GroupSpec,
  type ParamsArg,
  type Closure,
  type ParamState,
  type OptimizerStateDict,
} from './optimizer.js';
export { OptimizerBuilder, type ParamSource } from './builder.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { NAdam, type NAdamOptions } from './nadam.js';
export { RAdam, type RAdamOptions } from './radam.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Rprop, type RpropOptions } from './rprop.js';
export { Lion, type LionOptions } from './lion.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export * as penalty from './penalty.js';
export { Penalty } from './penalty.js';
export * as lrScheduler from './lrScheduler/index.js';
