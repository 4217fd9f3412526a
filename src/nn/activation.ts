// Every activation as a module, with PyTorch's constructor options and printing. The math lives
// in src/ops/activations.ts; these classes only hold options. Options may be given positionally,
// as in PyTorch (`new nn.LeakyReLU(0.2)`), or as a trailing object (`{ negativeSlope: 0.2 }`).
import { ValueError } from '../errors.js';
import * as ops from '../ops/index.js';
import { softmin } from './functional/softmin.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/** The `inplace` option: overwrite the input with the result (refused on leaves that require grad). */
export interface InplaceOptions {
  inplace?: boolean;
}

// A number given positionally or by name in an options object.
function num<K extends string>(arg: number | Partial<Record<K, number>> | undefined, key: K, fallback: number): number {
  const v = typeof arg === 'object' && arg !== null ? arg[key] : arg;
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new ValueError(key, `expected ${key} to be a number, got ${typeof v}`);
  return v;
}

// `inplace` given positionally (`new nn.ReLU(true)`, as in PyTorch) or in an options object.
const inplaceOf = (...args: unknown[]): boolean =>
  args.some((a) => a === true || (typeof a === 'object' && a !== null && (a as InplaceOptions).inplace === true));

/** An elementwise activation: `fn` on every element, optionally written back into the input. */
abstract class Pointwise extends Module {
  readonly inplace: boolean;

  constructor(inplace: boolean) {
    super();
    this.inplace = inplace;
  }

  protected abstract fn(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    const y = this.fn(x);
    return this.inplace ? x.assign_(y, `${this.constructor.name}(inplace=True)`) : y;
  }

  protected inplaceRepr(sep = ''): string {
    return this.inplace ? `${sep}inplace=True` : '';
  }

  override extraRepr(): string {
    return this.inplaceRepr();
  }
}

/** `max(0, x)`. Shape: any. @example new nn.ReLU().call(nb.tensor([-1, 2])) // [0, 2] */
export class ReLU extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.relu(x);
  }
}

/** `min(max(0, x), 6)`. Shape: any. @example new nn.ReLU6().call(nb.tensor([-1, 8])) // [0, 6] */
export class ReLU6 extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.relu6(x);
  }
}

/**
 * `x` for x > 0, `negativeSlope * x` otherwise (default slope 0.01). Shape: any.
 * @example new nn.LeakyReLU(0.2).call(nb.tensor([-1, 2])) // [-0.2, 2]
 */
export class LeakyReLU extends Pointwise {
  readonly negativeSlope: number;
  constructor(negativeSlope?: number | ({ negativeSlope?: number } & InplaceOptions), opts?: boolean | InplaceOptions) {
    super(inplaceOf(negativeSlope, opts));
    this.negativeSlope = num(negativeSlope, 'negativeSlope', 0.01);
  }
  protected fn(x: Tensor): Tensor {
    return ops.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplaceRepr(', ')}`;
  }
}

/**
 * `x` for x > 0, `alpha * (e^x - 1)` otherwise. Shape: any.
 * @example new nn.ELU({ alpha: 0.5 })
 */
export class ELU extends Pointwise {
  readonly alpha: number;
  constructor(alpha?: number | ({ alpha?: number } & InplaceOptions), opts?: boolean | InplaceOptions) {
    super(inplaceOf(alpha, opts));
    this.alpha = num(alpha, 'alpha', 1);
  }
  protected fn(x: Tensor): Tensor {
    return ops.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplaceRepr(', ')}`;
  }
}

/**
 * `x` for x > 0, `alpha * (e^(x / alpha) - 1)` otherwise. Shape: any.
 * @example new nn.CELU(2)
 */
export class CELU extends Pointwise {
  readonly alpha: number;
  constructor(alpha?: number | ({ alpha?: number } & InplaceOptions), opts?: boolean | InplaceOptions) {
    super(inplaceOf(alpha, opts));
    this.alpha = num(alpha, 'alpha', 1);
  }
  protected fn(x: Tensor): Tensor {
    return ops.celu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplaceRepr(', ')}`;
  }
}

/** Scaled ELU with the self-normalizing constants. Shape: any. @example new nn.SELU() */
export class SELU extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.selu(x);
  }
}

/**
 * `x * Phi(x)`, exactly or with the tanh approximation. Shape: any.
 * @example new nn.GELU({ approximate: 'tanh' })
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    const a = typeof approximate === 'object' ? (approximate.approximate ?? 'none') : approximate;
    if (a !== 'none' && a !== 'tanh')
      throw new ValueError('GELU', `expected approximate 'none' or 'tanh', got '${String(a)}'`);
    this.approximate = a;
  }
  forward(x: Tensor): Tensor {
    return ops.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `x * sigmoid(x)` (swish). Shape: any. @example new nn.SiLU() */
export class SiLU extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.silu(x);
  }
}

/** `x * tanh(softplus(x))`. Shape: any. @example new nn.Mish() */
export class Mish extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.mish(x);
  }
}

/**
 * `ln(1 + e^(beta x)) / beta`, linear where `beta * x > threshold`. Shape: any.
 * @example new nn.Softplus({ beta: 2 })
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta?: number | { beta?: number; threshold?: number }, threshold?: number) {
    super();
    this.beta = num(beta, 'beta', 1);
    this.threshold = typeof beta === 'object' ? num(beta, 'threshold', 20) : num(threshold, 'threshold', 20);
  }
  forward(x: Tensor): Tensor {
    return ops.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}

/** `x / (1 + |x|)`. Shape: any. @example new nn.Softsign() */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return ops.softsign(x);
  }
}

/**
 * `min(max(x, minVal), maxVal)` (defaults -1, 1). Shape: any.
 * @example new nn.Hardtanh(-2, 2)
 */
export class Hardtanh extends Pointwise {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(
    minVal?: number | ({ minVal?: number; maxVal?: number } & InplaceOptions),
    maxVal?: number,
    opts?: boolean | InplaceOptions,
  ) {
    super(inplaceOf(minVal, opts));
    this.minVal = num(minVal, 'minVal', -1);
    this.maxVal = typeof minVal === 'object' ? num(minVal, 'maxVal', 1) : num(maxVal, 'maxVal', 1);
    if (!(this.maxVal > this.minVal)) {
      throw new ValueError('Hardtanh', `expected maxVal > minVal, got minVal=${this.minVal}, maxVal=${this.maxVal}`);
    }
  }
  protected fn(x: Tensor): Tensor {
    return ops.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplaceRepr(', ')}`;
  }
}

/** `min(max(x + 3, 0), 6) / 6`. Shape: any. @example new nn.Hardsigmoid() */
export class Hardsigmoid extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.hardsigmoid(x);
  }
}

/** `x * min(max(x + 3, 0), 6) / 6`. Shape: any. @example new nn.Hardswish() */
export class Hardswish extends Pointwise {
  constructor(opts: boolean | InplaceOptions = {}) {
    super(inplaceOf(opts));
  }
  protected fn(x: Tensor): Tensor {
    return ops.hardswish(x);
  }
}

/** `ln(sigmoid(x))`, stable for any x. Shape: any. @example new nn.LogSigmoid() */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return ops.logsigmoid(x);
  }
}

/** `1 / (1 + e^-x)`. Shape: any. @example new nn.Sigmoid() */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return ops.sigmoid(x);
  }
}

/** Hyperbolic tangent. Shape: any. @example new nn.Tanh() */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return ops.tanh(x);
  }
}

/**
 * PyTorch's implicit dim when none is given (deprecated there): 0 for 0-, 1- and 3-D inputs,
 * 1 otherwise.
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

abstract class SoftmaxLike extends Module {
  readonly dim: number | null;
  constructor(dim?: number | null | { dim?: number | null }) {
    super();
    const d = typeof dim === 'object' && dim !== null ? dim.dim : dim;
    if (d !== undefined && d !== null && !Number.isInteger(d)) {
      throw new ValueError(this.constructor.name, `expected an integer dim, got ${d}`);
    }
    this.dim = d ?? null;
  }
  protected dimFor(x: Tensor): number {
    return this.dim ?? implicitSoftmaxDim(x.ndim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/**
 * `exp(x_i) / sum_j exp(x_j)` along `dim`. Shape: any.
 * @example new nn.Softmax(-1).call(logits)
 */
export class Softmax extends SoftmaxLike {
  forward(x: Tensor): Tensor {
    return ops.softmax(x, this.dimFor(x));
  }
}

/**
 * `x_i - log(sum_j exp(x_j))` along `dim`. Shape: any.
 * @example new nn.LogSoftmax(1).call(logits)
 */
export class LogSoftmax extends SoftmaxLike {
  forward(x: Tensor): Tensor {
    return ops.logSoftmax(x, this.dimFor(x));
  }
}

/**
 * `exp(-x_i) / sum_j exp(-x_j)` along `dim` (softmax of -x). Shape: any.
 * @example new nn.Softmin(1).call(costs)
 */
export class Softmin extends SoftmaxLike {
  forward(x: Tensor): Tensor {
    return softmin(x, this.dimFor(x));
  }
}
