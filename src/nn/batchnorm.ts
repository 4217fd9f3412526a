// BatchNorm1d/2d/3d and InstanceNorm1d/2d/3d: normalizations with optional running statistics,
// registered exactly as PyTorch registers them (`weight`, `bias`, then the buffers
// `running_mean`, `running_var`, `num_batches_tracked`, the last an int32 counter) so their
// state dicts load both ways.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { ones, tensor, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchNorm, instanceNorm } from './functional/normalization.js';
import { ones_, zeros_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyFloat, pyOptFloat } from './repr.js';

/** Options of the batch and instance norms (defaults differ: see each class). */
export interface NormOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of the new statistics in the running update; null = cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn per-channel weight and bias. */
  affine?: boolean;
  /** Keep running statistics (used in eval mode). */
  trackRunningStats?: boolean;
  /** Parameter and statistics dtype. Default float32. */
  dtype?: DType;
}

abstract class NormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  // Buffers keep PyTorch's spelling: it is their state-dict key.
  running_mean: Tensor | null = null;
  running_var: Tensor | null = null;
  num_batches_tracked: Tensor | null = null;

  constructor(numFeatures: number, opts: NormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    this.numFeatures = checkSize(this.constructor.name, 'numFeatures', numFeatures);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? defaults.affine;
    this.trackRunningStats = opts.trackRunningStats ?? defaults.trackRunningStats;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? tensor(0, { dtype: 'int32' }) : null);
  }

  /** The running mean (the `running_mean` buffer), or null. */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }

  /** The running variance (the `running_var` buffer), or null. */
  get runningVar(): Tensor | null {
    return this.running_var;
  }

  /** Training batches seen (the int32 `num_batches_tracked` buffer), or null. */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /** Running mean 0, variance 1, counter 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  /** Running statistics reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /** Throws unless the input has a rank this layer takes. */
  protected abstract checkInputDim(x: Tensor): void;

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyOptFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

function rankError(op: string, x: Tensor, ranks: readonly number[]): never {
  const want = ranks.map((r) => `${r}D`).join(' or ');
  throw new ValueError(op, `expected ${want} input (got ${x.ndim}D input)`);
}

abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, opts: NormOptions = {}) {
    super(numFeatures, opts, { affine: true, trackRunningStats: true });
  }

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    // PyTorch's rule: momentum null averages all batches so far (factor 1 / batches seen).
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      const nbt = this.num_batches_tracked;
      noGrad(() => nbt.add_(1));
      factor = this.momentum ?? 1 / (nbt.item() as number);
    }
    const useBatch = this.training || (this.running_mean === null && this.running_var === null);
    const stats = !this.training || this.trackRunningStats;
    return batchNorm(x, stats ? this.running_mean : null, stats ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatch,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/**
 * Batch normalization over the batch (and length) of `[N, C]` or `[N, C, L]` inputs, per
 * channel: batch statistics in train mode (updating the running ones), running statistics in
 * eval mode (or batch statistics if `trackRunningStats` is false).
 *
 * Shape: `[N, C]` or `[N, C, L]`, output the same.
 * @see https://arxiv.org/abs/1502.03167
 * @example new nn.BatchNorm1d(16, { momentum: 0.01 })
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) rankError('BatchNorm1d', x, [2, 3]);
  }
}

/**
 * Batch normalization of `[N, C, H, W]` per channel (see `BatchNorm1d` for the modes).
 *
 * Shape: `[N, C, H, W]`, output the same.
 * @see https://arxiv.org/abs/1502.03167
 * @example new nn.BatchNorm2d(8, { eps: 1e-3, momentum: null, affine: true, trackRunningStats: true })
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) rankError('BatchNorm2d', x, [4]);
  }
}

/**
 * Batch normalization of `[N, C, D, H, W]` per channel (see `BatchNorm1d` for the modes).
 *
 * Shape: `[N, C, D, H, W]`, output the same.
 * @example new nn.BatchNorm3d(4)
 */
export class BatchNorm3d extends BatchNormBase {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 5) rankError('BatchNorm3d', x, [5]);
  }
}

abstract class InstanceNormBase extends NormBase {
  /** Rank of an unbatched input. */
  protected abstract readonly noBatchDim: number;

  constructor(numFeatures: number, opts: NormOptions = {}) {
    super(numFeatures, opts, { affine: false, trackRunningStats: false });
  }

  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== this.noBatchDim && x.ndim !== this.noBatchDim + 1) {
      rankError(this.constructor.name, x, [this.noBatchDim, this.noBatchDim + 1]);
    }
  }

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    const batched = x.ndim === this.noBatchDim + 1;
    const c = x.shape[batched ? 1 : 0];
    if (this.affine && c !== this.numFeatures) {
      throw new ValueError(
        this.constructor.name,
        `expected input's size at dim=${batched ? 1 : 0} to match num_features (${this.numFeatures}), got ${c}`,
      );
    }
    const y = instanceNorm(batched ? x : x.unsqueeze(0), {
      runningMean: this.running_mean,
      runningVar: this.running_var,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      // PyTorch passes 0 for a null momentum: the running statistics then stay put.
      momentum: this.momentum ?? 0,
      eps: this.eps,
    });
    return batched ? y : y.squeeze(0);
  }
}

/**
 * Instance normalization: each channel of each sample normalized over its length. No affine
 * and no running statistics by default (PyTorch's defaults).
 *
 * Shape: `[N, C, L]` or `[C, L]`, output the same.
 * @see https://arxiv.org/abs/1607.08022
 * @example new nn.InstanceNorm1d(4, { affine: true })
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly noBatchDim = 2;
}

/**
 * Instance normalization: each channel of each sample normalized over its H x W positions.
 * No affine and no running statistics by default (PyTorch's defaults).
 *
 * Shape: `[N, C, H, W]` or `[C, H, W]`, output the same.
 * @see https://arxiv.org/abs/1607.08022
 * @example new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true })
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly noBatchDim = 3;
}

/**
 * Instance normalization over the D x H x W positions of each channel of each sample.
 *
 * Shape: `[N, C, D, H, W]` or `[C, D, H, W]`, output the same.
 * @example new nn.InstanceNorm3d(2)
 */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly noBatchDim = 4;
}
