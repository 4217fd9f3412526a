// Transposed convolution layers: weight [in, out / groups, ...kernel], PyTorch's initialization
// and `call(x, outputSize)` to choose among the output sizes a strided layer can produce.
import { ValueError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { ConvBase } from './conv.js';
import {
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  type ConvTransposeOptions,
} from './functional/convTranspose.js';
import type { SizeArg } from './functional/geometry.js';
import { pyTuple } from './repr.js';

/** Options of `ConvTranspose1d`, `ConvTranspose2d` and `ConvTranspose3d`. */
export interface ConvTransposeLayerOptions {
  stride?: SizeArg;
  padding?: SizeArg;
  outputPadding?: SizeArg;
  groups?: number;
  bias?: boolean;
  dilation?: SizeArg;
  /** Only `'zeros'`, as in PyTorch. */
  paddingMode?: 'zeros';
  dtype?: DType;
}

type ConvTransposeFn = (x: Tensor, w: Tensor, b: Tensor | null, o: ConvTransposeOptions) => Tensor;

/** The transposed convolution layers; `call(x, outputSize)` picks the output padding. */
abstract class ConvTransposeNd extends ConvBase<[Tensor, (readonly number[] | null)?]> {
  readonly #fn: ConvTransposeFn;
  readonly #name: string;

  constructor(
    name: string,
    nd: number,
    fn: ConvTransposeFn,
    inC: number,
    outC: number,
    k: SizeArg,
    opts: ConvTransposeLayerOptions,
  ) {
    super(name, nd, true, inC, outC, k, opts);
    this.#fn = fn;
    this.#name = name;
  }

  // PyTorch's _output_padding: the output padding that yields a requested output size.
  #outputPaddingFor(x: Tensor, outputSize: readonly number[] | null | undefined): number[] {
    if (!outputSize) return this.outputPadding;
    const nd = this.kernelSize.length;
    const lead = x.ndim === nd + 2 ? 2 : 1;
    const size = outputSize.length === lead + nd ? outputSize.slice(lead) : [...outputSize];
    if (size.length !== nd) {
      throw new ValueError(
        this.#name,
        `ConvTranspose${nd}D: for ${x.ndim}D input, output_size must have ${nd} or ${lead + nd} elements (got ${outputSize.length})`,
      );
    }
    const padding = this.padding as number[];
    const inSize = x.shape.slice(lead);
    const min = inSize.map(
      (n, d) => (n - 1) * this.stride[d] - 2 * padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1,
    );
    const max = min.map((m, d) => m + this.stride[d] - 1);
    if (size.some((s, d) => s < min[d] || s > max[d])) {
      throw new ValueError(
        this.#name,
        `requested an output size of ${pyTuple(size)}, but valid sizes range from [${min.join(', ')}] to [${max.join(', ')}] (for an input of [${inSize.join(', ')}])`,
      );
    }
    return size.map((s, d) => s - min[d]);
  }

  forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    return this.#fn(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.#outputPaddingFor(x, outputSize),
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/**
 * 1-D transposed convolution layer: `weight` `[C_in, C_out / groups, k]`.
 *
 * Shape: input `[N, C_in, L]`; output `[N, C_out, (L - 1) stride - 2 padding + dilation (k - 1) + outputPadding + 1]`.
 * @example new nn.ConvTranspose1d(4, 2, 3, { stride: 2 }).call(nb.randn([1, 4, 5])) // [1, 2, 11]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose1d', 1, convTranspose1d, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 2-D transposed convolution layer, as `torch.nn.ConvTranspose2d`: `weight` `[C_in, C_out /
 * groups, kH, kW]`; `call(x, outputSize)` resolves the ambiguity of strided output sizes.
 *
 * Shape: input `[N, C_in, H, W]`; output `[N, C_out, H_out, W_out]`,
 * `H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1`.
 * @example new nn.ConvTranspose2d(8, 1, 4, { stride: 2, padding: 1 }).call(nb.randn([2, 8, 7, 7])) // [2, 1, 14, 14]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose2d', 2, convTranspose2d, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 3-D transposed convolution layer: `weight` `[C_in, C_out / groups, kD, kH, kW]`.
 *
 * Shape: input `[N, C_in, D, H, W]`; output sizes as `ConvTranspose2d` per dim.
 * @example new nn.ConvTranspose3d(2, 1, 2, { stride: 2 }).call(nb.randn([1, 2, 3, 3, 3])) // [1, 1, 6, 6, 6]
 */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose3d', 3, convTranspose3d, inChannels, outChannels, kernelSize, opts);
  }
}
