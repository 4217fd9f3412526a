// Convolution layers with PyTorch's layouts, names and default initialization, so a PyTorch
// state dict loads and gives the same outputs: weight [out, in / groups, ...kernel] (transposed,
// in convTranspose.ts: [in, out / groups, ...kernel]), weight and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
import { ValueError } from '../errors.js';
import { pad } from '../ops/pad.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { conv1d, conv2d, conv3d, type ConvOptions } from './functional/conv.js';
import { ntuple, type SizeArg } from './functional/geometry.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyTuple } from './repr.js';

/** How a convolution pads its input: zeros, or a copy of the input's border. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of `Conv1d`, `Conv2d` and `Conv3d` (PyTorch's keyword arguments). */
export interface ConvLayerOptions {
  stride?: SizeArg;
  /** Numbers, `'valid'` (no padding) or `'same'` (output size = input size; stride 1 only). */
  padding?: SizeArg | 'same' | 'valid';
  dilation?: SizeArg;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Default `'zeros'`. */
  paddingMode?: PaddingMode;
  /** Compute the im2col columns in tiles of output rows (nbml's PatchwiseConv2D): same results, less memory. */
  lowMemory?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

const MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

type ConvFn = (x: Tensor, w: Tensor, b: Tensor | null, o: ConvOptions) => Tensor;

/** The shared state of the convolution layers (PyTorch's `_ConvNd`). */
export abstract class ConvBase<In extends unknown[]> extends Module<In, Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    name: string,
    nd: number,
    transposed: boolean,
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    opts: ConvLayerOptions & { outputPadding?: SizeArg },
  ) {
    super();
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new ValueError(name, 'groups must be a positive integer');
    for (const [what, v] of [
      ['in_channels', inChannels],
      ['out_channels', outChannels],
    ] as const) {
      if (!Number.isInteger(v) || v < 0)
        throw new ValueError(name, `expected ${what} to be a non-negative integer, got ${v}`);
      if (v % groups !== 0) throw new ValueError(name, `${what} must be divisible by groups`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = ntuple(name, 'kernel_size', kernelSize, nd);
    this.stride = ntuple(name, 'stride', opts.stride ?? 1, nd);
    const padding = opts.padding ?? 0;
    if (typeof padding === 'string') {
      if (transposed) throw new ValueError(name, `expected numeric padding, got '${padding}'`);
      if (padding !== 'same' && padding !== 'valid') {
        throw new ValueError(name, `Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
      }
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new ValueError(name, "padding='same' is not supported for strided convolutions");
      }
      this.padding = padding;
    } else this.padding = ntuple(name, 'padding', padding, nd);
    this.dilation = ntuple(name, 'dilation', opts.dilation ?? 1, nd);
    this.outputPadding = ntuple(name, 'output_padding', opts.outputPadding ?? 0, nd);
    this.groups = groups;
    const mode = opts.paddingMode ?? 'zeros';
    if (!MODES.includes(mode)) {
      throw new ValueError(
        name,
        `padding_mode must be one of {'zeros', 'reflect', 'circular', 'replicate'}, but got padding_mode='${String(mode)}'`,
      );
    }
    if (transposed && mode !== 'zeros') {
      throw new ValueError(name, `Only "zeros" padding mode is supported for ${name}`);
    }
    this.paddingMode = mode;
    const dtype = opts.dtype ?? 'float32';
    const shape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(empty(shape, { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(empty([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** Draws fresh weights with PyTorch's default: kaiming_uniform_(a = sqrt(5)), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      // fanIn of the weight tensor as stored, which for a transposed layer is out / groups * k.
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** The convolution layers proper: optional border padding, then the functional form. */
abstract class ConvNd extends ConvBase<[Tensor]> {
  readonly lowMemory: boolean;
  readonly #fn: ConvFn;

  constructor(name: string, nd: number, fn: ConvFn, inC: number, outC: number, k: SizeArg, opts: ConvLayerOptions) {
    super(name, nd, false, inC, outC, k, opts);
    this.lowMemory = opts.lowMemory ?? false;
    this.#fn = fn;
  }

  // F.pad's list (last dim first) of the padding a non-zero mode copies from the border; 'same'
  // puts the odd unit after, as the functional form does.
  #borderPadding(): number[] {
    const out: number[] = [];
    for (let i = this.kernelSize.length - 1; i >= 0; i--) {
      if (this.padding === 'valid') out.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        out.push(Math.floor(total / 2), total - Math.floor(total / 2));
      } else out.push(this.padding[i], this.padding[i]);
    }
    return out;
  }

  forward(x: Tensor): Tensor {
    const common = { stride: this.stride, dilation: this.dilation, groups: this.groups, lowMemory: this.lowMemory };
    if (this.paddingMode === 'zeros') return this.#fn(x, this.weight, this.bias, { ...common, padding: this.padding });
    const padded = pad(x, this.#borderPadding(), { mode: this.paddingMode });
    return this.#fn(padded, this.weight, this.bias, { ...common, padding: 0 });
  }
}

/**
 * 1-D convolution layer over `[N, C_in, L]`: `weight` `[C_out, C_in / groups, k]`, `bias` `[C_out]`.
 *
 * Shape: input `[N, C_in, L]` or `[C_in, L]`; output `[N, C_out, L_out]`,
 * `L_out = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1`.
 * @example new nn.Conv1d(16, 33, 3, { stride: 2 }).call(nb.randn([20, 16, 50])) // [20, 33, 24]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super('Conv1d', 1, conv1d, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 2-D convolution layer, as `torch.nn.Conv2d`: `weight` `[C_out, C_in / groups, kH, kW]`,
 * `bias` `[C_out]`, padding by zeros or by reflecting, replicating or wrapping the border.
 *
 * Shape: input `[N, C_in, H, W]` or `[C_in, H, W]`; output `[N, C_out, H_out, W_out]`,
 * `H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1`.
 * @example new nn.Conv2d(1, 8, 3, { padding: 1 }).call(nb.randn([4, 1, 28, 28])) // [4, 8, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super('Conv2d', 2, conv2d, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 3-D convolution layer over `[N, C_in, D, H, W]`: `weight` `[C_out, C_in / groups, kD, kH, kW]`.
 *
 * Shape: input `[N, C_in, D, H, W]` or `[C_in, D, H, W]`; output `[N, C_out, D_out, H_out, W_out]`.
 * @example new nn.Conv3d(2, 4, 3, { padding: 'same' }).call(nb.randn([1, 2, 5, 5, 5])) // [1, 4, 5, 5, 5]
 */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvLayerOptions = {}) {
    super('Conv3d', 3, conv3d, inChannels, outChannels, kernelSize, opts);
  }
}
