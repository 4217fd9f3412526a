// The base of the loss modules: the reduction option, checked once in the constructor, and the
// optional clamp of the gradient a loss sends back (neurons' objective clamp).
import { customFunction } from '../autograd/function.js';
import { DTypeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkReduction, numberOption, type Reduction } from './functional/lossCommon.js';
import { Module } from './module.js';

/** Bounds for the gradient a loss sends back to its inputs (neurons' objective clamp). */
export interface GradClamp {
  min?: number;
  max?: number;
}

/** Options every loss module takes. */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
  /**
   * Clamp the gradient flowing out of the loss into each input that requires grad to
   * `[min, max]` (neurons' `set_objective(.., clamp)`). The loss value is unchanged.
   */
  clamp?: GradClamp | null;
}

// Identity forward; backward clamps the incoming gradient.
const clampGrad = customFunction({
  name: 'lossGradClamp',
  forward(ctx, x: Tensor, min: number | null, max: number | null): Tensor {
    ctx.values.min = min;
    ctx.values.max = max;
    return x;
  },
  backward(ctx, g) {
    return g.clamp(ctx.values.min as number | null, ctx.values.max as number | null);
  },
});

function checkClamp(op: string, c: unknown): [number | null, number | null] | null {
  if (c === undefined || c === null) return null;
  if (typeof c !== 'object') throw new DTypeError(op, `expected clamp to be { min, max }, got ${typeof c}`);
  const { min, max } = c as GradClamp;
  const lo = min === undefined ? null : numberOption(op, 'clamp.min', min, 0);
  const hi = max === undefined ? null : numberOption(op, 'clamp.max', max, 0);
  if (lo === null && hi === null) throw new ValueError(op, 'expected clamp to have min, max or both, got neither');
  if (lo !== null && hi !== null && lo > hi) {
    throw new ValueError(op, `expected clamp.min <= clamp.max, got min ${lo} and max ${hi}`);
  }
  return [lo, hi];
}

/**
 * The base of the loss modules: the reduction, the optional gradient clamp, and `forward`
 * delegating to `compute` (the functional form). Subclass it for a custom loss.
 * @example
 * class LogCosh extends nn.Loss {
 *   constructor(opts: nn.LossOptions = {}) { super('LogCosh', opts); }
 *   protected compute(x: nb.Tensor, y: nb.Tensor) { return x.sub(y).cosh().log().mean(); }
 * }
 */
export abstract class Loss<In extends unknown[] = [Tensor, Tensor]> extends Module<In, Tensor> {
  /** How per-element losses are folded: `'mean'`, `'sum'` or `'none'`. */
  readonly reduction: string;
  #clamp: [number | null, number | null] | null;

  constructor(op: string, opts: LossOptions, allowed?: readonly string[], defaultReduction: string = 'mean') {
    super();
    this.reduction = checkReduction<string>(op, opts.reduction ?? defaultReduction, allowed);
    this.#clamp = checkClamp(op, opts.clamp);
  }

  /** The loss of the (gradient-clamped) arguments. */
  protected abstract compute(...args: In): Tensor;

  /** Computes the loss; see the functional form for the math. */
  forward(...args: In): Tensor {
    const c = this.#clamp;
    if (c === null) return this.compute(...args);
    const xs = args.map((a) => (a instanceof Tensor && a.requiresGrad ? clampGrad.apply(a, c[0], c[1]) : a));
    return this.compute(...(xs as In));
  }
}

/** @internal The reduction type the modules pass on. */
export type R = Reduction;

/** @internal Checks an optional tensor option (class weights). */
export function optionalTensor(op: string, name: string, v: unknown): Tensor | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof Tensor)) throw new DTypeError(op, `expected ${name} to be a Tensor or null, got ${typeof v}`);
  return v;
}
