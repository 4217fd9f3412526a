// Loss modules: each holds its options (checked once, in the constructor) and calls its
// nn.functional form. Regression and margin losses are here; the classification ones are in
// classificationLoss.ts, the shared base in lossBase.ts.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import * as F from './functional/losses.js';
import { boolOption, numberOption } from './functional/lossCommon.js';
import { Loss, type LossOptions, type R } from './lossBase.js';

export { Loss, type LossOptions, type GradClamp } from './lossBase.js';
export * from './classificationLoss.js';

/** Mean squared error; see `nn.functional.mseLoss`. @example new nn.MSELoss().call(pred, target) */
export class MSELoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super('MSELoss', opts);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction as R });
  }
}

/** Mean absolute error (MAE); see `nn.functional.l1Loss`. @example new nn.L1Loss().call(pred, target) */
export class L1Loss extends Loss {
  constructor(opts: LossOptions = {}) {
    super('L1Loss', opts);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction as R });
  }
}

/** Root mean squared error (neurons' RMSE); see `nn.functional.rmse`. @example new nn.RMSELoss().call(pred, target) */
export class RMSELoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super('RMSELoss', opts);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.rmse(input, target, { reduction: this.reduction as R });
  }
}

/**
 * Absolute error (neurons' AE): L1 whose reduction defaults to `'sum'`; see
 * `nn.functional.absoluteError`. @example new nn.AbsoluteErrorLoss().call(pred, target)
 */
export class AbsoluteErrorLoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super('AbsoluteErrorLoss', opts, undefined, 'sum');
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.absoluteError(input, target, { reduction: this.reduction as R });
  }
}

/** Huber loss; see `nn.functional.huberLoss`. @example new nn.HuberLoss({ delta: 0.5 }).call(pred, target) */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(opts: LossOptions & { delta?: number } = {}) {
    super('HuberLoss', opts);
    this.delta = numberOption('HuberLoss', 'delta', opts.delta, 1);
    if (!(this.delta > 0))
      throw new ValueError('HuberLoss', `huber_loss does not support non-positive values for delta, got ${this.delta}`);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction as R, delta: this.delta });
  }
}

/** Smooth L1 loss; see `nn.functional.smoothL1Loss`. @example new nn.SmoothL1Loss({ beta: 0.5 }).call(pred, target) */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts: LossOptions & { beta?: number } = {}) {
    super('SmoothL1Loss', opts);
    this.beta = numberOption('SmoothL1Loss', 'beta', opts.beta, 1);
    if (this.beta < 0)
      throw new ValueError(
        'SmoothL1Loss',
        `smooth_l1_loss does not support negative values for beta, got ${this.beta}`,
      );
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction as R, beta: this.beta });
  }
}

/** Cosine embedding loss; see `nn.functional.cosineEmbeddingLoss`. @example new nn.CosineEmbeddingLoss({ margin: 0.2 }).call(a, b, labels) */
export class CosineEmbeddingLoss extends Loss<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  constructor(opts: LossOptions & { margin?: number } = {}) {
    super('CosineEmbeddingLoss', opts);
    this.margin = numberOption('CosineEmbeddingLoss', 'margin', opts.margin, 0);
  }
  protected compute(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction as R });
  }
}

/** Margin ranking loss; see `nn.functional.marginRankingLoss`. @example new nn.MarginRankingLoss({ margin: 1 }).call(a, b, labels) */
export class MarginRankingLoss extends Loss<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  constructor(opts: LossOptions & { margin?: number } = {}) {
    super('MarginRankingLoss', opts);
    this.margin = numberOption('MarginRankingLoss', 'margin', opts.margin, 0);
  }
  protected compute(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction as R });
  }
}

/** Hinge embedding loss; see `nn.functional.hingeEmbeddingLoss`. @example new nn.HingeEmbeddingLoss().call(distances, labels) */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(opts: LossOptions & { margin?: number } = {}) {
    super('HingeEmbeddingLoss', opts);
    this.margin = numberOption('HingeEmbeddingLoss', 'margin', opts.margin, 1);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    return F.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction as R });
  }
}

/** Triplet margin loss; see `nn.functional.tripletMarginLoss`. @example new nn.TripletMarginLoss({ swap: true }).call(a, p, n) */
export class TripletMarginLoss extends Loss<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  constructor(opts: LossOptions & Omit<F.TripletMarginLossOptions, 'reduction'> = {}) {
    super('TripletMarginLoss', opts);
    this.margin = numberOption('TripletMarginLoss', 'margin', opts.margin, 1);
    this.p = numberOption('TripletMarginLoss', 'p', opts.p, 2);
    this.eps = numberOption('TripletMarginLoss', 'eps', opts.eps, 1e-6);
    this.swap = boolOption('TripletMarginLoss', 'swap', opts.swap, false);
  }
  protected compute(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const { margin, p, eps, swap } = this;
    return F.tripletMarginLoss(anchor, positive, negative, { margin, p, eps, swap, reduction: this.reduction as R });
  }
}

/** Poisson negative log-likelihood; see `nn.functional.poissonNllLoss`. @example new nn.PoissonNLLLoss().call(logRate, counts) */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(opts: LossOptions & Omit<F.PoissonNllLossOptions, 'reduction'> = {}) {
    super('PoissonNLLLoss', opts);
    this.logInput = boolOption('PoissonNLLLoss', 'logInput', opts.logInput, true);
    this.full = boolOption('PoissonNLLLoss', 'full', opts.full, false);
    this.eps = numberOption('PoissonNLLLoss', 'eps', opts.eps, 1e-8);
  }
  protected compute(input: Tensor, target: Tensor): Tensor {
    const { logInput, full, eps } = this;
    return F.poissonNllLoss(input, target, { logInput, full, eps, reduction: this.reduction as R });
  }
}

/** Gaussian negative log-likelihood; see `nn.functional.gaussianNllLoss`. @example new nn.GaussianNLLLoss().call(mean, target, variance) */
export class GaussianNLLLoss extends Loss<[Tensor, Tensor, Tensor]> {
  readonly full: boolean;
  readonly eps: number;
  constructor(opts: LossOptions & Omit<F.GaussianNllLossOptions, 'reduction'> = {}) {
    super('GaussianNLLLoss', opts);
    this.full = boolOption('GaussianNLLLoss', 'full', opts.full, false);
    this.eps = numberOption('GaussianNLLLoss', 'eps', opts.eps, 1e-6);
  }
  protected compute(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussianNllLoss(input, target, variance, {
      full: this.full,
      eps: this.eps,
      reduction: this.reduction as R,
    });
  }
}
