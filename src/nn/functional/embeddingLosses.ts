// Margin and embedding losses (PyTorch's formulas, as composites): cosine embedding, margin
// ranking, hinge embedding and triplet margin. Targets are +1 / -1 labels of any numeric dtype.
import { ShapeError, fmtShape } from '../../errors.js';
import { minimum, sub, where } from '../../ops/elementwise.js';
import { checkTensor } from '../../ops/operands.js';
import { norm } from '../../ops/stats.js';
import { broadcastShapes } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { boolOption, checkReduction, floatTensor, numberOption, reduce, type ReductionOptions } from './lossCommon.js';

/** Options of the margin losses. */
export interface MarginLossOptions extends ReductionOptions {
  /** The margin; defaults differ per loss (0 for cosine embedding and margin ranking, 1 for hinge). */
  margin?: number;
}

/**
 * Cosine embedding loss: `1 - cos(x1, x2)` where the label is 1 and `max(0, cos(x1, x2) - margin)`
 * where it is -1, with `cos = x1·x2 / sqrt((|x1|² + 1e-12)(|x2|² + 1e-12))` along the last dim.
 * Inputs `[N, D]` take labels `[N]`; inputs `[D]` take a 0-d label.
 * @example nn.functional.cosineEmbeddingLoss(a, b, nb.tensor([1, -1]))
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: MarginLossOptions = {},
): Tensor {
  const op = 'cosineEmbeddingLoss';
  const reduction = checkReduction(op, opts.reduction);
  const margin = numberOption(op, 'margin', opts.margin, 0);
  floatTensor(op, input1, 'input1');
  floatTensor(op, input2, 'input2');
  const t = checkTensor(op, target, 'target');
  const shapes = [input1.shape, input2.shape, t.shape];
  if (t.ndim > 1) throw new ShapeError(op, '0D or 1D target tensor expected, multi-target not supported', shapes);
  if (input1.ndim !== t.ndim + 1 || input2.ndim !== t.ndim + 1) {
    throw new ShapeError(
      op,
      `${t.ndim}D target tensor expects ${t.ndim + 1}D input tensors, but found inputs with sizes ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}.`,
      shapes,
    );
  }
  broadcastShapes(op, broadcastShapes(op, input1.shape, input2.shape).slice(0, -1), t.shape);
  const d = t.ndim;
  const eps = 1e-12;
  const prod = input1.mul(input2).sum(d);
  const denom = input1.square().sum(d).add(eps).mul(input2.square().sum(d).add(eps)).sqrt();
  const cos = prod.div(denom);
  const loss = where(t.eq(1), sub(1, cos), 0).add(where(t.eq(-1), cos.sub(margin).clamp(0), 0));
  return reduce(loss, reduction);
}

/**
 * Margin ranking loss: `max(0, -target * (input1 - input2) + margin)`, for labels 1 (input1
 * should rank higher) and -1. All three must have the same number of dims.
 * @example nn.functional.marginRankingLoss(scoreA, scoreB, nb.tensor([1, -1, 1]))
 */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: MarginLossOptions = {},
): Tensor {
  const op = 'marginRankingLoss';
  const reduction = checkReduction(op, opts.reduction);
  const margin = numberOption(op, 'margin', opts.margin, 0);
  floatTensor(op, input1, 'input1');
  floatTensor(op, input2, 'input2');
  const t = checkTensor(op, target, 'target');
  if (input1.ndim !== input2.ndim || input1.ndim !== t.ndim) {
    throw new ShapeError(
      op,
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${fmtShape(input1.shape)}, input2: ${fmtShape(input2.shape)}, target: ${fmtShape(t.shape)}`,
      [input1.shape, input2.shape, t.shape],
    );
  }
  broadcastShapes(op, input1.shape, input2.shape, t.shape);
  return reduce(t.neg().mul(input1.sub(input2)).add(margin).clamp(0), reduction);
}

/**
 * Hinge embedding loss: `input` where the label is 1 and `max(0, margin - input)` where it is -1
 * (input is typically a distance).
 * @example nn.functional.hingeEmbeddingLoss(distances, nb.tensor([1, -1]))
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: MarginLossOptions = {}): Tensor {
  const op = 'hingeEmbeddingLoss';
  const reduction = checkReduction(op, opts.reduction);
  const margin = numberOption(op, 'margin', opts.margin, 1);
  floatTensor(op, input);
  const t = checkTensor(op, target, 'target');
  broadcastShapes(op, input.shape, t.shape);
  const loss = where(t.ne(1), sub(margin, input).clamp(0), 0).add(where(t.ne(-1), input, 0));
  return reduce(loss, reduction);
}

/** Options of `tripletMarginLoss`. */
export interface TripletMarginLossOptions extends ReductionOptions {
  /** Default 1. */
  margin?: number;
  /** The norm degree of the distance. Default 2. */
  p?: number;
  /** Added to each difference before its norm. Default 1e-6. */
  eps?: number;
  /** Use the positive-negative distance when it is smaller (distance swap). Default false. */
  swap?: boolean;
}

// PyTorch's pairwise_distance: ||x1 - x2 + eps||_p over the last dim.
function pairwise(x1: Tensor, x2: Tensor, p: number, eps: number): Tensor {
  return norm(x1.sub(x2).add(eps), p, -1);
}

/**
 * Triplet margin loss: `max(0, margin + d(a, p) - d(a, n))` with `d(x, y) = ||x - y + eps||_p`
 * over the last dim; with `swap`, `d(a, n)` becomes `min(d(a, n), d(p, n))`.
 * @see https://www.bmva.org/bmvc/2016/papers/paper119/paper119.pdf
 * @example nn.functional.tripletMarginLoss(anchor, positive, negative, { margin: 0.5 })
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletMarginLossOptions = {},
): Tensor {
  const op = 'tripletMarginLoss';
  const reduction = checkReduction(op, opts.reduction);
  const margin = numberOption(op, 'margin', opts.margin, 1);
  const p = numberOption(op, 'p', opts.p, 2);
  const eps = numberOption(op, 'eps', opts.eps, 1e-6);
  const swap = boolOption(op, 'swap', opts.swap, false);
  floatTensor(op, anchor, 'anchor');
  floatTensor(op, positive, 'positive');
  floatTensor(op, negative, 'negative');
  if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
    throw new ShapeError(
      op,
      `All inputs should have same dimension but got ${anchor.ndim}D, ${positive.ndim}D and ${negative.ndim}D inputs.`,
      [anchor.shape, positive.shape, negative.shape],
    );
  }
  broadcastShapes(op, anchor.shape, positive.shape, negative.shape);
  const dPos = pairwise(anchor, positive, p, eps);
  let dNeg = pairwise(anchor, negative, p, eps);
  if (swap) dNeg = minimum(dNeg, pairwise(positive, negative, p, eps));
  return reduce(dPos.sub(dNeg).add(margin).clamp(0), reduction);
}
