// LayerNorm, RMSNorm, GroupNorm and L2Norm: per-sample normalizations (no running statistics).
// Affine weights start at 1 and biases at 0, as in PyTorch.
import { ValueError } from '../errors.js';
import { ones, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { groupNorm, layerNorm, normalize, rmsNorm } from './functional/normalization.js';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat, pyOptFloat, pyTuple } from './repr.js';

function shapeArg(op: string, s: number | readonly number[]): number[] {
  const shape = typeof s === 'number' ? [s] : [...s];
  shape.forEach((d) => checkSize(op, 'normalizedShape', d));
  return shape;
}

/** Options of `LayerNorm` (PyTorch's defaults). */
export interface LayerNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learn a per-element weight (and bias). Default true. */
  elementwiseAffine?: boolean;
  /** Learn a bias too (with elementwiseAffine). Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Normalizes over the trailing `normalizedShape` dims of each sample:
 * `(x - mean) / sqrt(var + eps) * weight + bias` (biased variance).
 *
 * Shape: input `[*, ...normalizedShape]`, output the same.
 * @see https://arxiv.org/abs/1607.06450
 * @example new nn.LayerNorm([10], { eps: 1e-6 }).call(nb.randn([4, 10]))
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = shapeArg('LayerNorm', normalizedShape);
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias =
      this.elementwiseAffine && (opts.bias ?? true) ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  /** Weight back to 1, bias to 0. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of `RMSNorm`. */
export interface RMSNormOptions {
  /** Added to the mean square; null (default) means the input dtype's machine epsilon. */
  eps?: number | null;
  /** Learn a per-element weight. Default true. */
  elementwiseAffine?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Root-mean-square normalization: `x / sqrt(mean(x^2) + eps) * weight` over the trailing
 * `normalizedShape` dims (PyTorch 2.4's nn.RMSNorm; `eps` null = `finfo(x.dtype).eps`).
 *
 * Shape: input `[*, ...normalizedShape]`, output the same.
 * @see https://arxiv.org/abs/1910.07467
 * @example new nn.RMSNorm([64]).call(nb.randn([2, 5, 64]))
 */
export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions = {}) {
    super();
    this.normalizedShape = shapeArg('RMSNorm', normalizedShape);
    this.eps = opts.eps ?? null;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine
      ? new Parameter(ones(this.normalizedShape, { dtype: opts.dtype ?? 'float32' }))
      : null;
  }

  /** Weight back to 1. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyOptFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of `GroupNorm`. */
export interface GroupNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learn per-channel weight and bias. Default true. */
  affine?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Splits the channels into `numGroups` groups and normalizes each group of each sample, then
 * applies a per-channel affine.
 *
 * Shape: input `[N, C, *]`, output the same.
 * @see https://arxiv.org/abs/1803.08494
 * @example new nn.GroupNorm(2, 6).call(nb.randn([4, 6, 8, 8]))
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    super();
    this.numGroups = checkSize('GroupNorm', 'numGroups', numGroups);
    this.numChannels = checkSize('GroupNorm', 'numChannels', numChannels);
    if (numGroups === 0 || numChannels % numGroups !== 0) {
      throw new ValueError(
        'GroupNorm',
        `expected numChannels divisible by numGroups (num_channels must be divisible by num_groups), got ${numChannels} and ${numGroups}`,
      );
    }
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  /** Weight back to 1, bias to 0. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/**
 * Scales each row to unit Euclidean norm: `x / max(||x||_2, eps)` along `dim` (default the last,
 * eps 1e-6). nbml's L2Norm layer; the same as `nn.functional.normalize(x, { dim: -1, eps: 1e-6 })`,
 * and without parameters.
 *
 * Shape: any, output the same.
 * @example new nn.L2Norm().call(nb.randn([4, 16])) // rows of norm 1
 */
export class L2Norm extends Module {
  readonly dim: number;
  readonly eps: number;

  constructor(opts: { dim?: number; eps?: number } = {}) {
    super();
    this.dim = opts.dim ?? -1;
    this.eps = opts.eps ?? 1e-6;
  }

  forward(x: Tensor): Tensor {
    return normalize(x, { p: 2, dim: this.dim, eps: this.eps });
  }

  override extraRepr(): string {
    return `dim=${this.dim}, eps=${pyFloat(this.eps)}`;
  }
}
