// Resizing and border layers: Upsample, PixelShuffle, PixelUnshuffle and the 2-D padding layers.
import { ValueError } from '../errors.js';
import { pad, type PadMode } from '../ops/pad.js';
import type { Tensor } from '../tensor/tensor.js';
import { interpolate, pixelShuffle, pixelUnshuffle, type InterpolateMode } from './functional/upsample.js';
import { Module } from './module.js';
import { pyFloat, pyTuple } from './repr.js';

/** Options of `Upsample`: exactly one of `size` and `scaleFactor`. */
export interface UpsampleOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  /** Default `'nearest'`. */
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

/**
 * Resizes the spatial dims of its input (see `nn.functional.interpolate`): nearest neighbour,
 * (bi/tri)linear with or without `alignCorners`, or area averaging.
 *
 * Shape: input `[N, C, ...spatial]` (1 to 3 spatial dims); output `[N, C, ...size]` or
 * `floor(spatial * scaleFactor)`.
 * @example new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).call(nb.randn([1, 3, 4, 4])) // [1, 3, 8, 8]
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(opts: UpsampleOptions = {}) {
    super();
    this.size = opts.size ?? null;
    this.scaleFactor = opts.scaleFactor ?? null;
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners ?? null;
    this.recomputeScaleFactor = opts.recomputeScaleFactor ?? null;
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const f = this.scaleFactor;
    const info =
      f !== null
        ? `scale_factor=${typeof f === 'number' ? pyFloat(f) : `(${f.map(pyFloat).join(', ')})`}`
        : `size=${typeof this.size === 'number' ? this.size : pyTuple(this.size ?? [])}`;
    return `${info}, mode=${this.mode}`;
  }
}

/**
 * Rearranges `[*, C r^2, H, W]` into `[*, C, H r, W r]` (sub-pixel convolution).
 *
 * Shape: input `[*, C r^2, H, W]`; output `[*, C, H r, W r]`.
 * @example new nn.PixelShuffle(3).call(nb.randn([1, 9, 4, 4])) // [1, 1, 12, 12]
 */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/**
 * The inverse of `PixelShuffle`: `[*, C, H r, W r]` into `[*, C r^2, H, W]`.
 *
 * Shape: input `[*, C, H r, W r]`; output `[*, C r^2, H, W]`.
 * @example new nn.PixelUnshuffle(3).call(nb.randn([1, 1, 12, 12])) // [1, 9, 4, 4]
 */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/** A 2-D padding: one size for all four sides, or `[left, right, top, bottom]`. */
export type Padding2d = number | readonly [number, number, number, number];

abstract class Pad2d extends Module {
  readonly padding: [number, number, number, number];

  constructor(name: string, padding: Padding2d) {
    super();
    const p = typeof padding === 'number' ? [padding, padding, padding, padding] : [...padding];
    if (p.length !== 4 || p.some((v) => !Number.isInteger(v))) {
      throw new ValueError(
        name,
        `expected padding to be an integer or 4 integers [left, right, top, bottom], got ${String(padding)}`,
      );
    }
    this.padding = p as [number, number, number, number];
  }

  protected padWith(x: Tensor, mode: PadMode, value?: number): Tensor {
    return pad(x, this.padding, mode === 'constant' ? { mode, value } : { mode });
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/**
 * Pads the last two dims with zeros (negative sizes crop).
 *
 * Shape: `[*, H, W]` to `[*, H + top + bottom, W + left + right]`.
 * @example new nn.ZeroPad2d([1, 1, 2, 0]).call(nb.ones([1, 1, 3, 3])) // [1, 1, 5, 5]
 */
export class ZeroPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super('ZeroPad2d', padding);
  }

  forward(x: Tensor): Tensor {
    return this.padWith(x, 'constant', 0);
  }
}

/**
 * Pads the last two dims with a constant `value`.
 *
 * Shape: `[*, H, W]` to `[*, H + top + bottom, W + left + right]`.
 * @example new nn.ConstantPad2d(2, 3.5).call(nb.ones([1, 2, 2])) // [1, 6, 6]
 */
export class ConstantPad2d extends Pad2d {
  constructor(
    padding: Padding2d,
    readonly value: number,
  ) {
    super('ConstantPad2d', padding);
  }

  forward(x: Tensor): Tensor {
    return this.padWith(x, 'constant', this.value);
  }

  override extraRepr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/**
 * Pads the last two dims with the reflection of the input about its border (edge not repeated).
 *
 * Shape: `[N, C, H, W]` or `[C, H, W]`, each padding smaller than the dim it pads.
 * @example new nn.ReflectionPad2d(1).call(nb.randn([1, 1, 3, 3])) // [1, 1, 5, 5]
 */
export class ReflectionPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super('ReflectionPad2d', padding);
  }

  forward(x: Tensor): Tensor {
    return this.padWith(x, 'reflect');
  }
}

/**
 * Pads the last two dims by repeating the input's edge values.
 *
 * Shape: `[N, C, H, W]` or `[C, H, W]`.
 * @example new nn.ReplicationPad2d([1, 0, 0, 2]).call(nb.randn([1, 1, 3, 3])) // [1, 1, 5, 4]
 */
export class ReplicationPad2d extends Pad2d {
  constructor(padding: Padding2d) {
    super('ReplicationPad2d', padding);
  }

  forward(x: Tensor): Tensor {
    return this.padWith(x, 'replicate');
  }
}
