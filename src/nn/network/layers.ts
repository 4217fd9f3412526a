// The network builder's layers: dense, convolution, deconvolution and maxpool, each knowing the
// per-sample shapes it takes and gives. Weights have PyTorch's layouts and initializations (they
// extend Linear and the convolution base), so `layers.0.weight` loads into `nn.Linear` and back.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ConvBase } from '../conv.js';
import { conv2d } from '../functional/conv.js';
import { convTranspose2d } from '../functional/convTranspose.js';
import { checkDropoutP, dropout } from '../functional/dropout.js';
import { linear } from '../functional/linear.js';
import { maxPool2d } from '../functional/pooling.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { activation, gradScale, numelOf, pair, type Activation, type ActivationArg, type Size2 } from './common.js';

/** Options of `Network.dense` (neurons' `dense(outputs, activation, bias, dropout)`). */
export interface DenseOptions {
  /** Default `'linear'`. */
  activation?: ActivationArg;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Dropout probability applied to the activated output while training (default 0). */
  dropout?: number;
}

/** Options of `Network.convolution`. */
export interface ConvolutionOptions extends DenseOptions {
  stride?: Size2;
  /** Zero padding per side, or `'same'` / `'valid'` (default 0). */
  padding?: Size2 | 'same' | 'valid';
  dilation?: Size2;
  /**
   * The `[channels, height, width]` to read a flat input as (needed after a dense layer whose
   * size is not a perfect square; a square `n` is read as `[1, √n, √n]`).
   */
  inputShape?: readonly number[];
}

/** Options of `Network.deconvolution` (a transposed convolution). */
export interface DeconvolutionOptions extends DenseOptions {
  stride?: Size2;
  /** Trimmed from each side of the output (default 0). */
  padding?: Size2;
  /** Added to one side of the output to pick among the sizes a stride allows (default 0). */
  outputPadding?: Size2;
  dilation?: Size2;
  /** As in `ConvolutionOptions`. */
  inputShape?: readonly number[];
}

/** Options of `Network.maxpool`. */
export interface MaxpoolOptions {
  /** As in `ConvolutionOptions`. */
  inputShape?: readonly number[];
}

/** A layer of a network: its per-sample shapes and a forward that also returns the pre-activation. */
export interface Unit {
  readonly kind: 'Dense' | 'Convolution' | 'Deconvolution' | 'Maxpool';
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  /** The activation (maxpool: linear). */
  readonly act: Activation;
  readonly dropoutP: number;
  /** Multiplier of this layer's parameter gradients (set by loops and feedback blocks). */
  gradScale: number;
  training: boolean;
  /** Pre-activation and activated (after dropout) output of a batch shaped `[N, ...inShape]`. */
  run(x: Tensor): { pre: Tensor; out: Tensor };
  /** One line for `Network.toString`. */
  describe(): string;
  parameters(): Tensor[];
}

function finish(u: Unit, pre: Tensor): { pre: Tensor; out: Tensor } {
  const post = u.act.fn(pre);
  const out = u.dropoutP > 0 ? dropout(post, { p: u.dropoutP, training: u.training }) : post;
  return { pre, out };
}

function tail(u: Unit): string {
  const parts = [`activation=${u.act.name}`];
  if (u.dropoutP > 0) parts.push(`dropout=${u.dropoutP}`);
  const n = u.parameters().reduce((s, p) => s + p.numel(), 0);
  if (n > 0) parts.push(`params=${n.toLocaleString('en-US')}`);
  return parts.join(', ');
}

function dropoutOf(op: string, p: number | undefined): number {
  return p === undefined ? 0 : checkDropoutP(op, p);
}

/** A fully connected layer `act(x W^T + b)` over a flat input. */
export class Dense extends Linear implements Unit {
  readonly kind = 'Dense';
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly act: Activation;
  readonly dropoutP: number;
  gradScale = 1;

  constructor(op: string, inShape: readonly number[], units: number, opts: DenseOptions = {}) {
    if (!Number.isInteger(units) || units <= 0)
      throw new ValueError(op, `expected units to be a positive integer, got ${units}`);
    super(inShape[0], units, { bias: opts.bias ?? true });
    this.inShape = [...inShape];
    this.outShape = [units];
    this.act = activation(op, opts.activation);
    this.dropoutP = dropoutOf(op, opts.dropout);
  }

  run(x: Tensor): { pre: Tensor; out: Tensor } {
    const s = this.gradScale;
    return finish(this, linear(x, gradScale(this.weight, s), this.bias && gradScale(this.bias, s)));
  }

  override forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  describe(): string {
    return `Dense(${fmtShape(this.inShape)} -> ${fmtShape(this.outShape)}, ${tail(this)}${this.bias ? '' : ', bias=false'})`;
  }
}

// Output size of a (transposed) convolution or pooling along one dim; throws when nothing fits.
function outSize(op: string, inShape: readonly number[], out: number[], what: string): number[] {
  if (out.some((n) => n <= 0)) {
    throw new ShapeError(
      op,
      `expected ${what} to fit the input ${fmtShape(inShape)}, got an output of ${out[0]} x ${out[1]}`,
      [inShape],
    );
  }
  return out;
}

/** A 2-D convolution layer (cross-correlation, as `nn.Conv2d`), then the activation. */
export class Convolution extends ConvBase<[Tensor]> implements Unit {
  readonly kind = 'Convolution';
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly act: Activation;
  readonly dropoutP: number;
  gradScale = 1;

  constructor(op: string, inShape: readonly number[], filters: number, kernel: Size2, opts: ConvolutionOptions = {}) {
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new ValueError(op, `expected filters to be a positive integer, got ${filters}`);
    }
    const k = pair(op, 'kernel', kernel, 1);
    const stride = pair(op, 'stride', opts.stride, 1);
    const dilation = pair(op, 'dilation', opts.dilation, 1);
    const padding =
      opts.padding === 'same' || opts.padding === 'valid' ? opts.padding : pair(op, 'padding', opts.padding, 0, 0);
    super('Conv2d', 2, false, inShape[0], filters, k, { stride, dilation, padding, bias: opts.bias ?? true });
    const [, h, w] = inShape;
    const p = padding === 'valid' ? [0, 0] : padding;
    const size =
      p === 'same'
        ? [h, w]
        : [h, w].map((n, i) => Math.floor((n + 2 * p[i] - dilation[i] * (k[i] - 1) - 1) / stride[i]) + 1);
    this.inShape = [...inShape];
    this.outShape = [
      filters,
      ...outSize(op, inShape, size, `the ${k[0]}x${k[1]} kernel (dilation ${dilation.join('x')})`),
    ];
    this.act = activation(op, opts.activation);
    this.dropoutP = dropoutOf(op, opts.dropout);
  }

  run(x: Tensor): { pre: Tensor; out: Tensor } {
    const s = this.gradScale;
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation };
    return finish(this, conv2d(x, gradScale(this.weight, s), this.bias && gradScale(this.bias, s), o));
  }

  forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  describe(): string {
    const pad = typeof this.padding === 'string' ? this.padding : fmtShape(this.padding);
    const geo = `kernel=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)}, padding=${pad}, dilation=${fmtShape(this.dilation)}`;
    return `Convolution(${fmtShape(this.inShape)} -> ${fmtShape(this.outShape)}, ${geo}, ${tail(this)}${this.bias ? '' : ', bias=false'})`;
  }
}

/** A 2-D transposed convolution layer (as `nn.ConvTranspose2d`), then the activation. */
export class Deconvolution extends ConvBase<[Tensor]> implements Unit {
  readonly kind = 'Deconvolution';
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly act: Activation;
  readonly dropoutP: number;
  gradScale = 1;

  constructor(op: string, inShape: readonly number[], filters: number, kernel: Size2, opts: DeconvolutionOptions = {}) {
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new ValueError(op, `expected filters to be a positive integer, got ${filters}`);
    }
    const k = pair(op, 'kernel', kernel, 1);
    const stride = pair(op, 'stride', opts.stride, 1);
    const dilation = pair(op, 'dilation', opts.dilation, 1);
    const padding = pair(op, 'padding', opts.padding, 0, 0);
    const outputPadding = pair(op, 'outputPadding', opts.outputPadding, 0, 0);
    if (outputPadding.some((p, i) => p >= stride[i] && p >= dilation[i])) {
      throw new ValueError(
        op,
        `expected outputPadding smaller than stride or dilation, got ${fmtShape(outputPadding)}`,
      );
    }
    super('ConvTranspose2d', 2, true, inShape[0], filters, k, {
      stride,
      dilation,
      padding,
      outputPadding,
      bias: opts.bias ?? true,
    });
    const [, h, w] = inShape;
    const size = [h, w].map(
      (n, i) => (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (k[i] - 1) + outputPadding[i] + 1,
    );
    this.inShape = [...inShape];
    this.outShape = [filters, ...outSize(op, inShape, size, `the padding ${fmtShape(padding)}`)];
    this.act = activation(op, opts.activation);
    this.dropoutP = dropoutOf(op, opts.dropout);
  }

  run(x: Tensor): { pre: Tensor; out: Tensor } {
    const s = this.gradScale;
    const o = {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      dilation: this.dilation,
    };
    return finish(this, convTranspose2d(x, gradScale(this.weight, s), this.bias && gradScale(this.bias, s), o));
  }

  forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  describe(): string {
    const geo = `kernel=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)}, padding=${fmtShape(this.padding as number[])}`;
    return `Deconvolution(${fmtShape(this.inShape)} -> ${fmtShape(this.outShape)}, ${geo}, ${tail(this)}${this.bias ? '' : ', bias=false'})`;
  }
}

/** 2-D max pooling without padding (neurons' maxpool); the stride defaults to the kernel. */
export class Maxpool extends Module implements Unit {
  readonly kind = 'Maxpool';
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly act: Activation = activation('Maxpool', 'linear');
  readonly dropoutP = 0;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  gradScale = 1;

  constructor(op: string, inShape: readonly number[], kernel: Size2, stride?: Size2) {
    super();
    this.kernelSize = pair(op, 'kernel', kernel, 1);
    this.stride = stride === undefined ? this.kernelSize : pair(op, 'stride', stride, 1);
    const [c, h, w] = inShape;
    const size = [h, w].map((n, i) => Math.floor((n - this.kernelSize[i]) / this.stride[i]) + 1);
    this.inShape = [...inShape];
    this.outShape = [c, ...outSize(op, inShape, size, `the ${this.kernelSize[0]}x${this.kernelSize[1]} pool`)];
  }

  run(x: Tensor): { pre: Tensor; out: Tensor } {
    const y = maxPool2d(x, this.kernelSize, { stride: this.stride });
    return { pre: y, out: y };
  }

  forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  describe(): string {
    return `Maxpool(${fmtShape(this.inShape)} -> ${fmtShape(this.outShape)}, kernel=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)})`;
  }

  override extraRepr(): string {
    return `kernel_size=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)}`;
  }
}

/** Any of the four layer kinds. */
export type UnitLayer = Dense | Convolution | Deconvolution | Maxpool;

/** A layer as `Network.feedback` takes it (neurons' `feedback::Layer`). */
export type BlockLayer =
  | ({ dense: number } & DenseOptions)
  | ({ convolution: number; kernel: Size2 } & ConvolutionOptions)
  | ({ deconvolution: number; kernel: Size2 } & DeconvolutionOptions)
  | ({ maxpool: Size2; stride?: Size2 } & MaxpoolOptions);

/** The input shape of a new layer from the previous output: flattened, kept, or read as an image. */
export function inputFor(op: string, prev: readonly number[], image: boolean, explicit?: readonly number[]): number[] {
  if (!image) return [numelOf(prev)];
  if (explicit !== undefined) {
    if (!Array.isArray(explicit) || explicit.length !== 3 || explicit.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new ValueError(op, `expected inputShape to be [channels, height, width], got ${String(explicit)}`);
    }
    if (numelOf(explicit) !== numelOf(prev)) {
      throw new ShapeError(
        op,
        `expected inputShape ${fmtShape(explicit)} to hold the ${numelOf(prev)} values of the previous output ${fmtShape(prev)}, got ${numelOf(explicit)} values`,
        [prev, explicit],
      );
    }
    return [...explicit];
  }
  if (prev.length === 3) return [...prev];
  const n = numelOf(prev);
  const side = Math.round(Math.sqrt(n));
  if (side * side !== n) {
    throw new ShapeError(
      op,
      `expected an image input [channels, height, width], got the flat output ${fmtShape(prev)}, whose ${n} values are not a perfect square; pass { inputShape: [c, h, w] } with c * h * w = ${n}`,
      [prev],
    );
  }
  return [1, side, side];
}

/** Builds one layer after an output of per-sample shape `prev`. */
export function buildLayer(op: string, spec: BlockLayer, prev: readonly number[]): UnitLayer {
  if (spec === null || typeof spec !== 'object') {
    throw new ValueError(
      op,
      `expected a layer like { dense: 16 } or { convolution: 8, kernel: 3 }, got ${String(spec)}`,
    );
  }
  if ('dense' in spec) return new Dense(op, inputFor(op, prev, false), spec.dense, spec);
  if ('convolution' in spec) {
    return new Convolution(op, inputFor(op, prev, true, spec.inputShape), spec.convolution, spec.kernel, spec);
  }
  if ('deconvolution' in spec) {
    return new Deconvolution(op, inputFor(op, prev, true, spec.inputShape), spec.deconvolution, spec.kernel, spec);
  }
  if ('maxpool' in spec) return new Maxpool(op, inputFor(op, prev, true, spec.inputShape), spec.maxpool, spec.stride);
  throw new ValueError(
    op,
    `expected a layer with one of the keys dense, convolution, deconvolution, maxpool, got { ${Object.keys(spec).join(', ')} }`,
  );
}
