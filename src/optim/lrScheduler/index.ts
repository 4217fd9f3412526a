// Learning-rate schedulers, as torch.optim.lr_scheduler.
export { LRScheduler, type SchedulerStateDict } from './scheduler.js';
export { LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ExponentialLR, type LrLambda } from './multiplicative.js';
export { ConstantLR, LinearLR, PolynomialLR } from './warmup.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
export { CyclicLR, type CyclicLROptions } from './cyclic.js';
export { OneCycleLR, type OneCycleLROptions } from './oneCycle.js';
export { SequentialLR, ChainedScheduler } from './composite.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
