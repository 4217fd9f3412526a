// Classification losses: nllLoss and crossEntropy over class indices or probabilities, the
// binary cross entropies, and KL divergence. All but binaryCrossEntropy are composites; it has a
// hand-written gradient because PyTorch's, (x - y) / max(x (1 - x), 1e-12), is not the
// derivative of its clamped logs at x = 0 or 1 (where the composite would give NaN).
import { customFunction } from '../../autograd/function.js';
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { maximum, sub, where } from '../../ops/elementwise.js';
import { checkTensor } from '../../ops/operands.js';
import { logSoftmax } from '../../ops/softmax.js';
import { sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  boolOption,
  broadcastTarget,
  checkReduction,
  elementWeight,
  floatTensor,
  numberOption,
  reduce,
  sameShapeTarget,
  type Reduction,
  type ReductionOptions,
} from './lossCommon.js';

/** Options of `nllLoss`. */
export interface NllLossOptions extends ReductionOptions {
  /** A weight per class, shape `[C]`. */
  weight?: Tensor | null;
  /** A target value that contributes nothing (nor to the mean's denominator). Default -100. */
  ignoreIndex?: number;
}

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mix the target with the uniform distribution: `(1 - s) target + s / C`. Default 0. */
  labelSmoothing?: number;
}

// The class dim of an input, checked against PyTorch's rules for class-index targets (with its
// messages), and the target values against the class count; `ignored` says whether any target
// equals `ignoreIndex`.
function checkIndexTarget(
  op: string,
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
): { dim: number; ignored: boolean } {
  if (target.dtype !== 'int32') {
    throw new DTypeError(op, `expected target to be an int32 tensor of class indices, got ${target.dtype}`);
  }
  if (input.ndim === 0) throw new ShapeError(op, 'Expected 1 or more dimensions (got 0)', [input.shape]);
  const fail = (msg: string) => new ShapeError(op, msg, [input.shape, target.shape]);
  if (input.ndim === 1) {
    if (target.ndim !== 0)
      throw fail(`size mismatch (got input: ${fmtShape(input.shape)}, target: ${fmtShape(target.shape)})`);
  } else {
    const m = target.ndim === 0 ? 0 : target.shape[0];
    if (target.ndim === 0 || m !== input.shape[0]) {
      throw fail(`Expected input batch_size (${input.shape[0]}) to match target batch_size (${m}).`);
    }
    if (input.ndim === 2 && target.ndim !== 1)
      throw fail('0D or 1D target tensor expected, multi-target not supported');
    const want = [input.shape[0], ...input.shape.slice(2)];
    if (!sameShape(want, target.shape))
      throw fail(`Expected target size ${fmtShape(want)}, got ${fmtShape(target.shape)}`);
  }
  const dim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[dim];
  let ignored = false;
  for (const v of target.data()) {
    if (v === ignoreIndex) ignored = true;
    else if (v < 0 || v >= c) throw new IndexError(op, `Target ${v} is out of bounds.`);
  }
  return { dim, ignored };
}

function classWeight(op: string, w: unknown, c: number, dtype: Tensor['dtype']): Tensor | null {
  if (w === undefined || w === null) return null;
  const t = checkTensor(op, w, 'weight');
  if (t.ndim !== 1 || t.shape[0] !== c) {
    throw new ShapeError(
      op,
      `weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${fmtShape(t.shape)}`,
      [t.shape],
    );
  }
  return t.to(dtype);
}

// Per-target losses -w[t] x[t] and weights w[t] (both 0 where ignored): the mean is their sums'
// ratio, which is how PyTorch normalises a weighted mean.
function pickTargets(logp: Tensor, target: Tensor, dim: number, weight: Tensor | null, ignoreIndex: number) {
  const ignored = target.eq(ignoreIndex);
  const safe = where(ignored, 0, target);
  const picked = logp.gather(dim, safe.unsqueeze(dim)).squeeze(dim);
  const w = weight
    ? where(ignored, 0, weight.indexSelect(0, safe.reshape([-1])).reshape(target.shape))
    : ignored.logicalNot().to(logp.dtype);
  return { loss: picked.mul(w).neg(), w, ignored };
}

function reduceWeighted(loss: Tensor, w: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  // With every target ignored the mean is 0/0 = NaN, as in PyTorch, but the gradient stays 0
  // (PyTorch never sends gradient to ignored targets): divide by a safe 1 and pick NaN after.
  const total = w.sum();
  const none = total.eq(0);
  return where(none, NaN, loss.sum().div(where(none, 1, total)));
}

/**
 * Negative log-likelihood of class indices: `loss_n = -weight[t_n] * input[n, t_n]` for log
 * probabilities `input` of shape `[N, C, d1, ...]` (or `[C]`) and int32 targets `[N, d1, ...]`
 * (or `[]`). Targets equal to `ignoreIndex` give 0; `'mean'` divides by the summed weights of
 * the other targets (NaN when all are ignored, as in PyTorch).
 * @example nn.functional.nllLoss(nb.logSoftmax(logits, 1), labels)
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const reduction = checkReduction(op, opts.reduction);
  const ignoreIndex = numberOption(op, 'ignoreIndex', opts.ignoreIndex, -100);
  floatTensor(op, input);
  const { dim } = checkIndexTarget(op, input, checkTensor(op, target, 'target'), ignoreIndex);
  const weight = classWeight(op, opts.weight, input.shape[dim], input.dtype);
  const { loss, w } = pickTargets(input, target, dim, weight, ignoreIndex);
  return reduceWeighted(loss, w, reduction);
}

/**
 * Cross entropy of logits `input` (`[N, C, d1, ...]`, `[N, C]` or unbatched `[C]`) against
 * either int32 class indices (`[N, d1, ...]` or `[]`; `weight`, `ignoreIndex` as in `nllLoss`)
 * or class probabilities (a float target of the input's shape; `'mean'` divides by the number
 * of distributions, `N * d1 * ...`). `labelSmoothing = s` mixes the target with the uniform
 * distribution: `(1 - s) * nll + s / C * sum_c(-weight[c] * logSoftmax(input)_c)`, PyTorch's
 * formula, with the same ignore mask and mean denominator for both terms.
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.cross_entropy.html
 * @example nn.functional.crossEntropy(logits, nb.tensor([2, 0], { dtype: 'int32' }))
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const reduction = checkReduction(op, opts.reduction);
  const ignoreIndex = numberOption(op, 'ignoreIndex', opts.ignoreIndex, -100);
  const s = numberOption(op, 'labelSmoothing', opts.labelSmoothing, 0);
  if (!(s >= 0 && s <= 1)) throw new ValueError(op, `label_smoothing must be between 0.0 and 1.0. Got: ${s}`);
  floatTensor(op, input);
  const t = checkTensor(op, target, 'target');
  if (t.dtype !== 'int32') {
    if (opts.ignoreIndex !== undefined && ignoreIndex >= 0) {
      throw new ValueError(
        op,
        `ignore_index is not supported for floating point target, got ignoreIndex ${ignoreIndex}`,
      );
    }
    return probabilityCrossEntropy(input, t, opts.weight, s, reduction);
  }
  const { dim, ignored: anyIgnored } = checkIndexTarget(op, input, t, ignoreIndex);
  const c = input.shape[dim];
  const weight = classWeight(op, opts.weight, c, input.dtype);
  const logp = logSoftmax(input, dim);
  if (weight === null && s === 0 && !anyIgnored && reduction !== 'none' && t.numel() > 0) {
    // The usual training call: every weight below would be 1, so the loss is the sum (or mean)
    // of the picked -log p, with the same roundings, in 5 ops instead of 15.
    const total = logp.gather(dim, t.unsqueeze(dim)).neg().sum();
    return reduction === 'sum' ? total : total.div(t.numel());
  }
  const { loss, w, ignored } = pickTargets(logp, t, dim, weight, ignoreIndex);
  const nll = reduceWeighted(loss, w, reduction);
  if (s === 0) return nll;
  const weighted = weight ? logp.mul(weight.reshape(input.shape.map((n, i) => (i === dim ? n : 1)))) : logp;
  const smooth = where(ignored, 0, weighted.sum(dim).neg());
  return nll.mul(1 - s).add(reduceWeighted(smooth, w, reduction).mul(s / c));
}

function probabilityCrossEntropy(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null | undefined,
  s: number,
  reduction: Reduction,
): Tensor {
  const op = 'crossEntropy';
  if (target.dtype === 'bool') {
    throw new DTypeError(
      op,
      'expected target to be int32 class indices or floating point class probabilities, got bool',
    );
  }
  if (input.ndim === 0) throw new ShapeError(op, 'Expected 1 or more dimensions (got 0)', [input.shape]);
  sameShapeTarget(
    op,
    input,
    target,
    (i, t) =>
      `expected a floating point target of class probabilities with the input's shape ${i}, got ${t} (class indices must be int32)`,
  );
  const dim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[dim];
  const w = classWeight(op, weight, c, input.dtype);
  const p = s > 0 ? target.mul(1 - s).add(s / c) : target;
  let terms = logSoftmax(input, dim).mul(p);
  if (w) terms = terms.mul(w.reshape(input.shape.map((n, i) => (i === dim ? n : 1))));
  if (reduction === 'none') return terms.sum(dim).neg();
  const total = terms.sum().neg();
  if (reduction === 'sum') return total;
  return input.numel() === 0 ? total.mul(NaN) : total.div(input.numel() / c);
}

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
}

// Elementwise -(y log x + (1 - y) log(1 - x)) with both logs clamped to >= -100, PyTorch's
// forward and its gradients (the target's is unclamped: log(1 - x) - log(x)).
const bceElements = customFunction({
  name: 'binaryCrossEntropy',
  forward(ctx, x: Tensor, y: Tensor): Tensor {
    ctx.saveForBackward(x, y);
    return y
      .sub(1)
      .mul(x.neg().log1p().clamp(-100))
      .sub(y.mul(x.log().clamp(-100)));
  },
  backward(ctx, g) {
    const [x, y] = ctx.savedTensors;
    const gx = ctx.needsInputGrad[0] ? g.mul(x.sub(y)).div(x.mul(sub(1, x)).clamp(1e-12)) : null;
    const gy = ctx.needsInputGrad[1] ? g.mul(x.neg().log1p().sub(x.log())) : null;
    return [gx, gy];
  },
});

/**
 * Binary cross entropy of probabilities `input` (in [0, 1]) and targets of the same shape:
 * `-weight * (t log x + (1 - t) log(1 - x))`, each log clamped to >= -100 as in PyTorch, so a
 * confident wrong answer costs 100, not infinity.
 * @example nn.functional.binaryCrossEntropy(nb.sigmoid(logits), labels)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  const reduction = checkReduction(op, opts.reduction);
  floatTensor(op, input);
  const t = sameShapeTarget(
    op,
    input,
    target,
    (i, tt) =>
      `Using a target size (${tt}) that is different to the input size (${i}) is deprecated. Please ensure they have the same size.`,
  );
  const w = elementWeight(op, 'weight', opts.weight, input.shape);
  for (const v of input.data()) {
    if (!(v >= 0 && v <= 1)) throw new ValueError(op, `all elements of input should be between 0 and 1, got ${v}`);
  }
  let loss = bceElements.apply(input, t.to(input.dtype));
  if (w) loss = loss.mul(w);
  return reduce(loss, reduction);
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast along the last (class) dim: `[C]`. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross entropy of logits `input` (sigmoid and log in one stable step):
 * `-weight * (posWeight * t * log σ(x) + (1 - t) * log(1 - σ(x)))`, computed as
 * `(1 - t) x + (1 + (posWeight - 1) t) (max(-x, 0) + log1p(exp(-|x|)))`, which never
 * overflows. With `posWeight` > 1 recall is favoured, < 1 precision.
 * @example nn.functional.binaryCrossEntropyWithLogits(logits, labels, { posWeight: nb.tensor([3]) })
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BinaryCrossEntropyWithLogitsOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(op, opts.reduction);
  floatTensor(op, input);
  const t = sameShapeTarget(op, input, target, (i, tt) => `Target size (${tt}) must be the same as input size (${i})`);
  const w = elementWeight(op, 'weight', opts.weight, input.shape);
  const pw = elementWeight(op, 'posWeight', opts.posWeight, input.shape);
  // -log σ(x) = softplus(-x) = max(-x, 0) + log1p(e^-|x|); e^-|x| <= 1 never overflows.
  const softplusNeg = maximum(input.neg(), 0).add(input.abs().neg().exp().log1p());
  const logWeight = pw ? pw.sub(1).mul(t).add(1) : null;
  let loss = sub(1, t)
    .mul(input)
    .add(logWeight ? softplusNeg.mul(logWeight) : softplusNeg);
  if (w) loss = loss.mul(w);
  return reduce(loss, reduction);
}

/** Options of `klDiv`: PyTorch's reductions plus `'batchmean'`, and whether the target is a log. */
export interface KlDivOptions {
  /** `'mean'` (over all elements; default, as PyTorch), `'batchmean'` (sum / N, the true KL), `'sum'`, `'none'`. */
  reduction?: 'mean' | 'batchmean' | 'sum' | 'none';
  /** The target is given as log probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence of the target from `input` (log probabilities):
 * `t (log t - input)` (0 where t = 0), or `exp(t) (t - input)` with `logTarget`. Use
 * `reduction: 'batchmean'` for the mathematical KL divergence per sample.
 * @example nn.functional.klDiv(nb.logSoftmax(logits, 1), probs, { reduction: 'batchmean' })
 */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  const reduction = checkReduction<NonNullable<KlDivOptions['reduction']>>(op, opts.reduction, [
    'mean',
    'batchmean',
    'sum',
    'none',
  ]);
  const logTarget = boolOption(op, 'logTarget', opts.logTarget, false);
  floatTensor(op, input);
  const t = floatTensor(op, broadcastTarget(op, input, target), 'target');
  let loss: Tensor;
  if (logTarget) loss = t.exp().mul(t.sub(input));
  else {
    // xlogy(t, t) with log read at a safe 1 where t = 0, so no NaN reaches the target's gradient.
    const zero = t.eq(0);
    loss = where(zero, 0, t.mul(where(zero, 1, t).log())).sub(t.mul(input));
  }
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, reduction);
}
