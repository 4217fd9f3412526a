// Regression losses, all composites of elementwise ops (their gradients need no code). The other
// families live beside this file and are re-exported at the end, so `nn.functional` gets every
// loss from one line.
import { ValueError, fmtShape } from '../../errors.js';
import { where } from '../../ops/elementwise.js';
import { checkTensor } from '../../ops/operands.js';
import { norm } from '../../ops/stats.js';
import { sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  boolOption,
  broadcastTarget,
  checkReduction,
  floatTensor,
  numberOption,
  reduce,
  type ReductionOptions,
} from './lossCommon.js';

export type { Reduction, ReductionOptions } from './lossCommon.js';

// input - target, after the checks every regression loss makes. Like PyTorch, a target of another
// (broadcastable) shape is broadcast; PyTorch also warns, which nabla does not.
function difference(op: string, input: Tensor, target: Tensor): Tensor {
  floatTensor(op, input);
  return input.sub(broadcastTarget(op, input, target));
}

/**
 * Mean squared error: `(input - target)²`, reduced.
 * @example nn.functional.mseLoss(nb.tensor([1, 2]), nb.tensor([1, 4])) // 2
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', opts.reduction);
  return reduce(difference('mseLoss', input, target).square(), reduction);
}

/**
 * Mean absolute error (L1, neurons' MAE): `|input - target|`, reduced. The gradient at a zero
 * difference is 0, and with `'mean'` it is `sign(input - target) / n` (neurons omits the `/ n`).
 * @example nn.functional.l1Loss(nb.tensor([1, 2]), nb.tensor([1, 4])) // 1
 */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('l1Loss', opts.reduction);
  return reduce(difference('l1Loss', input, target).abs(), reduction);
}

/**
 * Root mean squared error (neurons' RMSE): `sqrt(mseLoss(input, target, { reduction }))`, so
 * `'mean'` gives `sqrt(mean((input - target)²))`, `'sum'` the Euclidean norm of the error and
 * `'none'` `|input - target|`. The gradient is the true one, `(input - target) / (n * rmse)`
 * for `'mean'` (neurons uses `sign / n`), and 0 where the error is exactly zero.
 * @example nn.functional.rmse(nb.tensor([0, 0]), nb.tensor([3, 4])) // 3.5355
 */
export function rmse(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('rmse', opts.reduction);
  const d = difference('rmse', input, target);
  if (reduction === 'none') return d.abs();
  // norm() already has the zero-error subgradient 0 that sqrt(sum(d²)) would turn into NaN.
  const r = norm(d, 2);
  return reduction === 'sum' ? r : r.div(Math.sqrt(d.numel()));
}

/**
 * Absolute error (neurons' AE): `l1Loss` with `reduction: 'sum'` as the default, i.e.
 * `sum |input - target|`.
 * @example nn.functional.absoluteError(nb.tensor([1, 2]), nb.tensor([1, 4])) // 2
 */
export function absoluteError(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = checkReduction('absoluteError', opts.reduction ?? 'sum');
  return reduce(difference('absoluteError', input, target).abs(), reduction);
}

/** Options of `huberLoss`. */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (> 0). Default 1. */
  delta?: number;
}

/**
 * Huber loss: `0.5 d²` where `|d| < delta`, else `delta (|d| - 0.5 delta)`, with
 * `d = input - target`.
 * @example nn.functional.huberLoss(nb.tensor([0, 0]), nb.tensor([0.5, 3])) // 1.3125
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberLossOptions = {}): Tensor {
  const reduction = checkReduction('huberLoss', opts.reduction);
  const delta = numberOption('huberLoss', 'delta', opts.delta, 1);
  if (!(delta > 0))
    throw new ValueError('huberLoss', `huber_loss does not support non-positive values for delta, got ${delta}`);
  const d = difference('huberLoss', input, target);
  const z = d.abs();
  return reduce(where(z.lt(delta), d.square().mul(0.5), z.sub(0.5 * delta).mul(delta)), reduction);
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (>= 0; 0 gives `l1Loss`). Default 1. */
  beta?: number;
}

/**
 * Smooth L1 loss: `0.5 d² / beta` where `|d| < beta`, else `|d| - 0.5 beta`, with
 * `d = input - target` (Huber loss divided by beta).
 * @example nn.functional.smoothL1Loss(nb.tensor([0, 0]), nb.tensor([0.5, 3])) // 1.3125
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1LossOptions = {}): Tensor {
  const reduction = checkReduction('smoothL1Loss', opts.reduction);
  const beta = numberOption('smoothL1Loss', 'beta', opts.beta, 1);
  if (beta < 0)
    throw new ValueError('smoothL1Loss', `smooth_l1_loss does not support negative values for beta, got ${beta}`);
  const d = difference('smoothL1Loss', input, target);
  const z = d.abs();
  if (beta === 0) return reduce(z, reduction);
  return reduce(where(z.lt(beta), d.square().mul(0.5 / beta), z.sub(0.5 * beta)), reduction);
}

/** Options of `poissonNllLoss`. */
export interface PoissonNllLossOptions extends ReductionOptions {
  /** Whether `input` is the log of the rate (default true) or the rate itself. */
  logInput?: boolean;
  /** Add the Stirling approximation of `log(target!)` (where target > 1). Default false. */
  full?: boolean;
  /** Added to the rate before its log when `logInput` is false. Default 1e-8. */
  eps?: number;
}

/**
 * Negative log-likelihood of a Poisson target: `exp(input) - target * input` (log input), or
 * `input - target * log(input + eps)`; `full` adds `t log t - t + 0.5 log(2 pi t)` where t > 1.
 * @example nn.functional.poissonNllLoss(logRate, counts)
 */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNllLossOptions = {}): Tensor {
  const op = 'poissonNllLoss';
  const reduction = checkReduction(op, opts.reduction);
  const logInput = boolOption(op, 'logInput', opts.logInput, true);
  const full = boolOption(op, 'full', opts.full, false);
  const eps = numberOption(op, 'eps', opts.eps, 1e-8);
  floatTensor(op, input);
  const t = broadcastTarget(op, input, target);
  let loss = logInput ? input.exp().sub(t.mul(input)) : input.sub(t.mul(input.add(eps).log()));
  if (full) {
    // The term is masked where t <= 1; its log reads a safe 1 there, so a target gradient stays 0
    // (PyTorch's log(0) gives NaN at a zero target).
    const big = t.gt(1);
    const ts = where(big, t, 1);
    const stirling = ts
      .mul(ts.log())
      .sub(ts)
      .add(
        ts
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(where(big, stirling, 0));
  }
  return reduce(loss, reduction);
}

/** Options of `gaussianNllLoss`. */
export interface GaussianNllLossOptions extends ReductionOptions {
  /** Add the constant `0.5 log(2 pi)`. Default false. */
  full?: boolean;
  /** Lower clamp of the variance, for stability. Default 1e-6. */
  eps?: number;
}

/**
 * Negative log-likelihood of a Gaussian target with predicted mean `input` and variance `variance`:
 * `0.5 (log max(var, eps) + (input - target)² / max(var, eps))` (+ `0.5 log(2 pi)` with `full`).
 * As in PyTorch, the clamp of the variance does not stop its gradient. `variance` has `input`'s
 * shape, or one fewer trailing dim, or a last dim of 1 (one variance per sample).
 * @example nn.functional.gaussianNllLoss(mean, target, variance)
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  opts: GaussianNllLossOptions = {},
): Tensor {
  const op = 'gaussianNllLoss';
  const reduction = checkReduction(op, opts.reduction);
  const full = boolOption(op, 'full', opts.full, false);
  const eps = numberOption(op, 'eps', opts.eps, 1e-6);
  floatTensor(op, input);
  const t = broadcastTarget(op, input, target);
  let v = checkTensor(op, variance, 'var');
  if (!sameShape(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (input.ndim > 0 && sameShape(lead, v.shape)) v = v.unsqueeze(-1);
    else if (!(input.ndim > 0 && v.ndim > 0 && sameShape(lead, v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1)) {
      const want = [input.shape, lead, [...lead, 1]].map(fmtShape).join(', ');
      throw new ValueError(op, `var is of incorrect size: expected one of ${want}, got ${fmtShape(v.shape)}`);
    }
  }
  if (v.lt(0).any().item()) throw new ValueError(op, 'var has negative entry/entries');
  // max(var, eps) in value, identity in gradient: PyTorch clamps a clone in place under no_grad.
  const vc = v.add(v.detach().clamp(eps).sub(v.detach()));
  let loss = vc.log().add(input.sub(t).square().div(vc)).mul(0.5);
  if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

export * from './classificationLosses.js';
export * from './embeddingLosses.js';
export * from './ctcLoss.js';
