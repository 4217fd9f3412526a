// Identity, Linear, Bilinear, Flatten, Unflatten: PyTorch's layouts (`weight` [out, in]) and
// default initializations, so a PyTorch state dict loads and gives the same outputs.
import { ValueError } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { bilinear, linear } from './functional/linear.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool, pyTuple } from './repr.js';

/** Options of `Linear` and `Bilinear`. */
export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** Checks a layer size: a non-negative integer. */
export function checkSize(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0)
    throw new ValueError(op, `expected ${name} to be a non-negative integer, got ${v}`);
  return v;
}

/**
 * Returns its input unchanged; a placeholder that keeps a model's structure (and state-dict
 * keys) when a layer is switched off. Constructor arguments are ignored, as in PyTorch.
 *
 * Shape: any.
 * @example const head = useHead ? new nn.Linear(8, 2) : new nn.Identity();
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Affine layer `y = x W^T + b`. `weight` is `[out, in]`, initialized U(-k, k) with
 * k = 1/sqrt(in) (PyTorch's kaiming_uniform_ with a = sqrt(5)); `bias` is U(-k, k).
 *
 * Shape: input `[*, in]`, output `[*, out]`.
 * @example
 * const fc = new nn.Linear(784, 128, { bias: false });
 * fc.call(nb.randn([32, 784])); // [32, 128]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = checkSize('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkSize('Linear', 'outFeatures', outFeatures);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** Draws fresh weights with PyTorch's default initialization. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * Bilinear layer `y_o = x1^T W_o x2 + b_o`. `weight` is `[out, in1, in2]`; weight and bias are
 * U(-k, k) with k = 1/sqrt(in1), as in PyTorch.
 *
 * Shape: inputs `[*, in1]` and `[*, in2]`, output `[*, out]`.
 * @example new nn.Bilinear(3, 5, 2).call(nb.randn([8, 3]), nb.randn([8, 5])) // [8, 2]
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.in1Features = checkSize('Bilinear', 'in1Features', in1Features);
    this.in2Features = checkSize('Bilinear', 'in2Features', in2Features);
    this.outFeatures = checkSize('Bilinear', 'outFeatures', outFeatures);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** Draws fresh weights with PyTorch's default initialization. */
  resetParameters(): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * Flattens dims `startDim..endDim` into one (default: everything but the batch dim).
 *
 * Shape: `[N, *dims]` to `[N, prod(dims)]` with the defaults.
 * @example new nn.Flatten().call(nb.zeros([4, 8, 14, 14])) // [4, 1568]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim: number | { startDim?: number; endDim?: number } = 1, endDim = -1) {
    super();
    const o = typeof startDim === 'object' ? startDim : { startDim, endDim };
    this.startDim = o.startDim ?? 1;
    this.endDim = o.endDim ?? -1;
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (one entry may be -1); the inverse of `Flatten`.
 *
 * Shape: `[*, d, *]` to `[*, ...unflattenedSize, *]` where prod(unflattenedSize) = d.
 * @example new nn.Unflatten(1, [2, 5]).call(nb.zeros([3, 10])) // [3, 2, 5]
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Array.isArray(unflattenedSize) || unflattenedSize.some((s) => !Number.isInteger(s))) {
      throw new ValueError(
        'Unflatten',
        `expected unflattenedSize to be an array of integers, got ${String(unflattenedSize)}`,
      );
    }
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
