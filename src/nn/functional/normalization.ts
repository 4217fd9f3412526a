// Normalization functions: composites of mean, variance and rsqrt, so their gradients (which
// couple every element of a normalized group) come from autograd; layerNorm, hot in
// transformers, is a fused primitive instead. Variances that normalize are biased (divide by
// n); the variance stored in running statistics is unbiased, as in PyTorch.
import { noGrad } from '../../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { layerNormPrim } from '../../ops/prims/layerNorm.js';
import { varMean } from '../../ops/stats.js';
import { finfo, isFloat, promoteTypes } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { NormOrder } from '../../ops/index.js';

/** Weight and bias of a normalization (either may be absent). */
export interface AffineOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
}

function floatInput(op: string, x: Tensor): Tensor {
  checkTensor(op, x);
  if (!isFloat(x.dtype)) throw new DTypeError(op, `expected a floating point input, got ${x.dtype}`);
  return x;
}

function checkParam(op: string, name: string, t: Tensor | null | undefined, shape: readonly number[]): Tensor | null {
  if (t === null || t === undefined) return null;
  checkTensor(op, t, name);
  if (fmtShape(t.shape) !== fmtShape(shape)) {
    throw new ShapeError(op, `expected ${name} of shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`, [t.shape]);
  }
  return t;
}

// `y * weight + bias` with weight and bias shaped to broadcast against y.
function affine(y: Tensor, weight: Tensor | null, bias: Tensor | null, shape: readonly number[]): Tensor {
  if (weight) y = y.mul(weight.reshape(shape));
  if (bias) y = y.add(bias.reshape(shape));
  return y;
}

const trailingDims = (ndim: number, k: number) => Array.from({ length: k }, (_, i) => ndim - k + i);

function checkNormalizedShape(op: string, x: Tensor, normalizedShape: number | readonly number[]): number[] {
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = x.shape.slice(x.ndim - ns.length);
  if (ns.length === 0 || ns.length > x.ndim || fmtShape(tail) !== fmtShape(ns)) {
    throw new ShapeError(
      op,
      `expected input with shape [*, ${ns.join(', ')}] (Given normalized_shape=${fmtShape(ns)}), got input of size ${fmtShape(x.shape)}`,
      [x.shape, ns],
    );
  }
  return ns;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims:
 * `(x - mean) / sqrt(var + eps) * weight + bias`, with the biased variance.
 * @see https://arxiv.org/abs/1607.06450
 * @example nn.functional.layerNorm(x, [x.shape[x.ndim - 1]])
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], opts: AffineOptions = {}): Tensor {
  const op = 'layerNorm';
  floatInput(op, x);
  const ns = checkNormalizedShape(op, x, normalizedShape);
  const w = checkParam(op, 'weight', opts.weight, ns);
  const b = checkParam(op, 'bias', opts.bias, ns);
  // One fused primitive (prims/layerNorm.ts) in the promoted dtype of x, weight and bias.
  const dtype = [w, b].reduce((d, t) => (t ? promoteTypes(d, t.dtype) : d), x.dtype);
  const cast = (t: Tensor | null) => t && t.to(dtype);
  return layerNormPrim(x.to(dtype), ns.length, cast(w), cast(b), opts.eps ?? 1e-5);
}

/**
 * Root-mean-square normalization over the trailing `normalizedShape` dims:
 * `x / sqrt(mean(x^2) + eps) * weight`; `eps` defaults to the dtype's machine epsilon
 * (PyTorch 2.4 semantics).
 * @see https://arxiv.org/abs/1910.07467
 * @example nn.functional.rmsNorm(x, [64], { weight })
 */
export function rmsNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  opts: { weight?: Tensor | null; eps?: number | null } = {},
): Tensor {
  const op = 'rmsNorm';
  floatInput(op, x);
  const ns = checkNormalizedShape(op, x, normalizedShape);
  const w = checkParam(op, 'weight', opts.weight, ns);
  const eps = opts.eps ?? finfo(x.dtype).eps;
  const ms = x.square().mean(trailingDims(x.ndim, ns.length), { keepdim: true });
  return affine(x.mul(ms.add(eps).rsqrt()), w, null, ns);
}

/**
 * Group normalization: the channels of `[N, C, *]` are split into `numGroups` groups, each
 * normalized over its channels and positions, then the per-channel affine.
 * @see https://arxiv.org/abs/1803.08494
 * @example nn.functional.groupNorm(nb.randn([2, 6, 4, 4]), 3)
 */
export function groupNorm(x: Tensor, numGroups: number, opts: AffineOptions = {}): Tensor {
  const op = 'groupNorm';
  floatInput(op, x);
  if (x.ndim < 2) throw new ShapeError(op, `expected at least 2 dims [N, C, *], got ${fmtShape(x.shape)}`, [x.shape]);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new ValueError(
      op,
      `expected the number of channels to be divisible by numGroups (Expected number of channels in input to be divisible by num_groups), got input of shape ${fmtShape(x.shape)} and numGroups=${numGroups}`,
    );
  }
  const w = checkParam(op, 'weight', opts.weight, [c]);
  const b = checkParam(op, 'bias', opts.bias, [c]);
  const g = x.reshape([n, numGroups, -1]);
  const [v, mu] = varMean(g, 2, { correction: 0, keepdim: true });
  const y = g
    .sub(mu)
    .mul(v.add(opts.eps ?? 1e-5).rsqrt())
    .reshape(x.shape);
  return affine(y, w, b, [c, ...x.shape.slice(2).map(() => 1)]);
}

/** Options of `batchNorm`. */
export interface BatchNormOptions extends AffineOptions {
  /** Normalize with batch statistics (and update the running ones); otherwise use the running ones. Default false. */
  training?: boolean;
  /** Weight of the batch statistics in the running-statistics update. Default 0.1. */
  momentum?: number;
}

// Per-channel shape [1, C, 1, ...] that broadcasts against [N, C, *].
const channelShape = (x: Tensor) => [1, x.shape[1], ...x.shape.slice(2).map(() => 1)];

function checkStats(op: string, x: Tensor, rm: Tensor | null, rv: Tensor | null): void {
  const c = x.shape[1];
  for (const [name, t] of [
    ['runningMean', rm],
    ['runningVar', rv],
  ] as const) {
    if (t !== null && t.numel() !== c) {
      throw new ShapeError(
        op,
        `expected ${name} with ${c} elements (${name} should contain ${c} elements), got ${t.numel()}`,
        [t.shape],
      );
    }
  }
}

// running = (1 - momentum) * running + momentum * batch, in place and outside the graph.
function updateRunning(running: Tensor | null, batch: Tensor, momentum: number): void {
  if (running === null) return;
  noGrad(() => running.copy_(running.mul(1 - momentum).add(batch.detach().reshape(running.shape).mul(momentum))));
}

/**
 * Batch normalization of `[N, C, *]` per channel: `(x - mean) / sqrt(var + eps) * weight + bias`
 * with batch statistics over N and the positions when `training` (then the running statistics,
 * if given, move by `momentum`, with the unbiased variance), else with the running statistics.
 * @see https://arxiv.org/abs/1502.03167
 * @example nn.functional.batchNorm(x, runningMean, runningVar, { training: true })
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  const op = 'batchNorm';
  floatInput(op, x);
  if (x.ndim < 2) throw new ShapeError(op, `expected at least 2 dims [N, C, *], got ${fmtShape(x.shape)}`, [x.shape]);
  checkStats(op, x, runningMean, runningVar);
  const c = x.shape[1];
  const w = checkParam(op, 'weight', opts.weight, [c]);
  const b = checkParam(op, 'bias', opts.bias, [c]);
  const eps = opts.eps ?? 1e-5;
  const shape = channelShape(x);
  if (opts.training) {
    const count = x.numel() / c;
    if (count === 1) {
      throw new ValueError(
        op,
        `expected more than 1 value per channel when training, got input size ${fmtShape(x.shape)}`,
      );
    }
    const dims = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
    const [v, mu] = varMean(x, dims, { correction: 0, keepdim: true });
    const m = opts.momentum ?? 0.1;
    updateRunning(runningMean, mu, m);
    updateRunning(runningVar, v.mul(count / (count - 1)), m);
    return affine(x.sub(mu).mul(v.add(eps).rsqrt()), w, b, shape);
  }
  if (runningMean === null || runningVar === null) {
    throw new ValueError(
      op,
      'expected running statistics in evaluation mode (running_mean must be defined in evaluation mode), got null',
    );
  }
  const mu = runningMean.to(x.dtype).reshape(shape);
  const inv = runningVar.to(x.dtype).reshape(shape).add(eps).rsqrt();
  return affine(x.sub(mu).mul(inv), w, b, shape);
}

/** Options of `instanceNorm`. */
export interface InstanceNormOptions extends AffineOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Normalize with each instance's statistics (default) or with the running ones. */
  useInputStats?: boolean;
  /** Weight of the batch-averaged instance statistics in the running update. Default 0.1. */
  momentum?: number;
}

/**
 * Instance normalization of `[N, C, *]`: each (sample, channel) slice normalized over its
 * positions, then the per-channel affine. With running statistics and `useInputStats`, they
 * move towards the batch average of the instance statistics.
 * @see https://arxiv.org/abs/1607.08022
 * @example nn.functional.instanceNorm(nb.randn([2, 3, 8, 8]))
 */
export function instanceNorm(x: Tensor, opts: InstanceNormOptions = {}): Tensor {
  const op = 'instanceNorm';
  floatInput(op, x);
  if (x.ndim < 3) throw new ShapeError(op, `expected at least 3 dims [N, C, *], got ${fmtShape(x.shape)}`, [x.shape]);
  const rm = opts.runningMean ?? null;
  const rv = opts.runningVar ?? null;
  checkStats(op, x, rm, rv);
  const c = x.shape[1];
  const w = checkParam(op, 'weight', opts.weight, [c]);
  const b = checkParam(op, 'bias', opts.bias, [c]);
  const eps = opts.eps ?? 1e-5;
  const shape = channelShape(x);
  if (opts.useInputStats ?? true) {
    const count = x.numel() / (x.shape[0] * c);
    if (count === 1) {
      throw new ValueError(
        op,
        `expected more than 1 spatial element when training, got input size ${fmtShape(x.shape)}`,
      );
    }
    const dims = x.shape.slice(2).map((_, i) => i + 2);
    const [v, mu] = varMean(x, dims, { correction: 0, keepdim: true });
    const m = opts.momentum ?? 0.1;
    updateRunning(rm, mu.mean(0), m);
    updateRunning(rv, v.mul(count / (count - 1)).mean(0), m);
    return affine(x.sub(mu).mul(v.add(eps).rsqrt()), w, b, shape);
  }
  if (rm === null || rv === null) {
    throw new ValueError(op, 'expected running statistics when useInputStats is false, got null');
  }
  const inv = rv.to(x.dtype).reshape(shape).add(eps).rsqrt();
  return affine(x.sub(rm.to(x.dtype).reshape(shape)).mul(inv), w, b, shape);
}

/**
 * `x / max(||x||_p, eps)` along `dim` (PyTorch's F.normalize; defaults p = 2, dim = 1, eps = 1e-12).
 * @example nn.functional.normalize(embeddings, { dim: -1 })
 */
export function normalize(x: Tensor, opts: { p?: NormOrder; dim?: number; eps?: number } = {}): Tensor {
  const op = 'normalize';
  floatInput(op, x);
  const norm = x.norm(opts.p ?? 2, opts.dim ?? 1, { keepdim: true });
  return x.div(norm.clamp(opts.eps ?? 1e-12, null));
}
