// Dropout modules: active in train mode, the identity in eval mode. Masks come from the global
// generator, so `nb.manualSeed` makes a training run reproducible.
import type { Tensor } from '../tensor/tensor.js';
import {
  alphaDropout,
  checkDropoutP,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  featureAlphaDropout,
} from './functional/dropout.js';
import { Module } from './module.js';
import { pyBool, pyFloat } from './repr.js';

/** Options of the dropout modules. */
export interface DropoutModuleOptions {
  /** Probability of zeroing a unit (or channel). Default 0.5. */
  p?: number;
  /** Write the result into the input. Default false. */
  inplace?: boolean;
}

type DropoutFn = typeof dropout;

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;
  protected abstract readonly fn: DropoutFn;

  constructor(p: number | DropoutModuleOptions = 0.5, inplace: boolean | DropoutModuleOptions = false) {
    super();
    const o = typeof p === 'object' ? p : { p, inplace: typeof inplace === 'object' ? inplace.inplace : inplace };
    this.p = checkDropoutP(this.constructor.name, o.p ?? 0.5);
    this.inplace = o.inplace ?? false;
  }

  forward(x: Tensor): Tensor {
    return this.fn(x, { p: this.p, training: this.training, inplace: this.inplace });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * Zeroes each element with probability `p` in train mode and scales the rest by `1 / (1 - p)`;
 * the identity in eval mode.
 *
 * Shape: any.
 * @example const drop = new nn.Dropout(0.2); // or new nn.Dropout({ p: 0.2 })
 */
export class Dropout extends DropoutBase {
  protected readonly fn = dropout;
}

/**
 * Zeroes whole channels with probability `p` in train mode, scaling the rest by `1 / (1 - p)`.
 *
 * Shape: `[N, C, L]` or `[C, L]`.
 * @example new nn.Dropout1d(0.1)
 */
export class Dropout1d extends DropoutBase {
  protected readonly fn = dropout1d;
}

/**
 * Zeroes whole channels (feature maps) with probability `p` in train mode, scaling the rest by
 * `1 / (1 - p)`.
 *
 * Shape: `[N, C, H, W]` (a 3-D input is taken as `[N, C, L]`, as in PyTorch).
 * @example new nn.Dropout2d(0.1)
 */
export class Dropout2d extends DropoutBase {
  protected readonly fn = dropout2d;
}

/**
 * Zeroes whole 3-D channels with probability `p` in train mode, scaling the rest by `1 / (1 - p)`.
 *
 * Shape: `[N, C, D, H, W]` or `[C, D, H, W]`.
 * @example new nn.Dropout3d(0.1)
 */
export class Dropout3d extends DropoutBase {
  protected readonly fn = dropout3d;
}

/**
 * Alpha dropout for SELU networks: keeps zero mean and unit variance of its input.
 *
 * Shape: any.
 * @see https://arxiv.org/abs/1706.02515
 * @example new nn.AlphaDropout(0.1)
 */
export class AlphaDropout extends DropoutBase {
  protected readonly fn = alphaDropout;
}

/**
 * Alpha dropout of whole channels.
 *
 * Shape: `[N, C, ...]`.
 * @example new nn.FeatureAlphaDropout(0.1)
 */
export class FeatureAlphaDropout extends DropoutBase {
  protected readonly fn = featureAlphaDropout;
}
