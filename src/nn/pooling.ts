// Pooling layers: thin modules over nn.functional's pooling, printing as PyTorch prints them.
import type { Tensor } from '../tensor/tensor.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, type AdaptiveSize } from './functional/adaptive.js';
import type { SizeArg } from './functional/geometry.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from './functional/pooling.js';
import { maxUnpool2d } from './functional/unpool.js';
import { Module } from './module.js';
import { pyBool, pyTuple } from './repr.js';

const show = (v: SizeArg | readonly (number | null)[]): string =>
  typeof v === 'number'
    ? String(v)
    : v.length === 1
      ? `(${v[0] ?? 'None'},)`
      : `(${v.map((x) => x ?? 'None').join(', ')})`;

/** Options of `MaxPool1d` and `MaxPool2d`. */
export interface MaxPoolLayerOptions<R extends boolean> {
  /** Default: the kernel size. */
  stride?: SizeArg | null;
  padding?: SizeArg;
  dilation?: SizeArg;
  /** Return `[output, indices]` (indices per plane, for `MaxUnpool2d`). */
  returnIndices?: R;
  ceilMode?: boolean;
}

type PoolOut<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

abstract class MaxPoolNd<R extends boolean> extends Module<[Tensor], PoolOut<R>> {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;
  readonly dilation: SizeArg;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  constructor(kernelSize: SizeArg, opts: MaxPoolLayerOptions<R>) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = (opts.returnIndices ?? false) as R;
    this.ceilMode = opts.ceilMode ?? false;
  }

  protected get options() {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    };
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 1-D max pooling layer (see `nn.functional.maxPool1d`).
 *
 * Shape: input `[N, C, L]` or `[C, L]`; output `[N, C, L_out]`.
 * @example new nn.MaxPool1d(3, { stride: 2 }).call(nb.randn([20, 16, 50])) // [20, 16, 24]
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: SizeArg, opts: MaxPoolLayerOptions<R> = {}) {
    super(kernelSize, opts);
  }

  forward(x: Tensor): PoolOut<R> {
    return maxPool1d(x, this.kernelSize, this.options) as PoolOut<R>;
  }
}

/**
 * 2-D max pooling layer, as `torch.nn.MaxPool2d`; with `returnIndices` it returns
 * `[output, indices]`.
 *
 * Shape: input `[N, C, H, W]` or `[C, H, W]`; output `[N, C, H_out, W_out]`,
 * `H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1` (ceil in `ceilMode`).
 * @example new nn.MaxPool2d(2).call(nb.randn([4, 8, 28, 28])) // [4, 8, 14, 14]
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: SizeArg, opts: MaxPoolLayerOptions<R> = {}) {
    super(kernelSize, opts);
  }

  forward(x: Tensor): PoolOut<R> {
    return maxPool2d(x, this.kernelSize, this.options) as PoolOut<R>;
  }
}

/**
 * Partial inverse of `MaxPool2d`: scatters values to the positions its indices name, zeros
 * elsewhere; `call(x, indices, outputSize?)`.
 *
 * Shape: input `[N, C, H, W]`; output `[N, C, (H - 1) stride - 2 padding + kH, ...]` or `outputSize`.
 * @example
 * const pool = new nn.MaxPool2d(2, { returnIndices: true });
 * const [y, idx] = pool.call(x);
 * new nn.MaxUnpool2d(2).call(y, idx); // x's shape
 */
export class MaxUnpool2d extends Module<[Tensor, Tensor, (readonly number[] | null)?], Tensor> {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;

  constructor(kernelSize: SizeArg, opts: { stride?: SizeArg | null; padding?: SizeArg } = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
  }

  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }

  override extraRepr(): string {
    const pair = (v: SizeArg) => pyTuple(typeof v === 'number' ? [v, v] : v);
    return `kernel_size=${pair(this.kernelSize)}, stride=${pair(this.stride)}, padding=${pair(this.padding)}`;
  }
}

/** Options of `AvgPool1d` and `AvgPool2d`. */
export interface AvgPoolLayerOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** `AvgPool2d` only: divide every sum by this. */
  divisorOverride?: number | null;
}

abstract class AvgPoolNd extends Module {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: SizeArg, opts: AvgPoolLayerOptions) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  protected get options() {
    return {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    };
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/**
 * 1-D average pooling layer (see `nn.functional.avgPool1d`).
 *
 * Shape: input `[N, C, L]` or `[C, L]`; output `[N, C, L_out]`.
 * @example new nn.AvgPool1d(3, { stride: 2 }).call(nb.randn([20, 16, 50])) // [20, 16, 24]
 */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: SizeArg, opts: Omit<AvgPoolLayerOptions, 'divisorOverride'> = {}) {
    super(kernelSize, opts);
  }

  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}

/**
 * 2-D average pooling layer, as `torch.nn.AvgPool2d`.
 *
 * Shape: input `[N, C, H, W]` or `[C, H, W]`; output `[N, C, H_out, W_out]`,
 * `H_out = floor((H + 2 padding - kH) / stride) + 1` (ceil in `ceilMode`).
 * @example new nn.AvgPool2d(2).call(nb.randn([4, 8, 28, 28])) // [4, 8, 14, 14]
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: SizeArg, opts: AvgPoolLayerOptions = {}) {
    super(kernelSize, opts);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

abstract class AdaptivePool<Out> extends Module<[Tensor], Out> {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSize;
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/**
 * 1-D adaptive average pooling layer: any input length to `outputSize` positions.
 *
 * Shape: input `[N, C, L]` or `[C, L]`; output `[N, C, outputSize]`.
 * @example new nn.AdaptiveAvgPool1d(5).call(nb.randn([1, 64, 8])) // [1, 64, 5]
 */
export class AdaptiveAvgPool1d extends AdaptivePool<Tensor> {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

/**
 * 2-D adaptive average pooling layer, as `torch.nn.AdaptiveAvgPool2d` (`null` keeps a dim).
 *
 * Shape: input `[N, C, H, W]` or `[C, H, W]`; output `[N, C, ...outputSize]`.
 * @example new nn.AdaptiveAvgPool2d([5, 7]).call(nb.randn([1, 64, 8, 9])) // [1, 64, 5, 7]
 */
export class AdaptiveAvgPool2d extends AdaptivePool<Tensor> {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/**
 * 2-D adaptive max pooling layer; with `returnIndices` it returns `[output, indices]`.
 *
 * Shape: input `[N, C, H, W]` or `[C, H, W]`; output `[N, C, ...outputSize]`.
 * @example new nn.AdaptiveMaxPool2d(1).call(nb.randn([2, 16, 7, 5])) // [2, 16, 1, 1]
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptivePool<PoolOut<R>> {
  readonly returnIndices: R;

  constructor(outputSize: AdaptiveSize, opts: { returnIndices?: R } = {}) {
    super(outputSize);
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }

  forward(x: Tensor): PoolOut<R> {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as PoolOut<R>;
  }
}
