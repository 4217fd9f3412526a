// What the network builder's pieces share: activation names, the accumulation modes that merge
// skip, loop and feedback values, the gradient-scale function, and per-sample shape helpers.
import { customFunction } from '../../autograd/function.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { elu, gelu, leakyRelu, silu, softplus } from '../../ops/activations.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { Tensor } from '../../tensor/tensor.js';

/** A kernel, stride, padding or dilation: one number for both dims or `[height, width]`. */
export type Size2 = number | readonly [number, number];

/**
 * An activation by name (neurons' ReLU, LeakyReLU, Sigmoid, Softmax, Tanh, Linear, plus a few
 * PyTorch ones; case and `_`/`-` are ignored) or a function of the pre-activation.
 */
export type ActivationArg =
  | 'relu'
  | 'leakyRelu'
  | 'sigmoid'
  | 'softmax'
  | 'tanh'
  | 'linear'
  | 'gelu'
  | 'silu'
  | 'elu'
  | 'softplus'
  | (string & {})
  | ((pre: Tensor) => Tensor);

/** How two values meet at a skip, a loop or a feedback block (neurons' `Accumulation`). */
export type Accumulation = 'add' | 'subtract' | 'multiply' | 'overwrite' | 'mean';

/** Multiplier of looped or coupled parameters' gradients, given the number of passes. */
export type ScaleFn = (loops: number) => number;

const ACCUMULATIONS: readonly Accumulation[] = ['add', 'subtract', 'multiply', 'overwrite', 'mean'];

type Act = (pre: Tensor) => Tensor;

// Softmax over each sample's values (all non-batch dims), as neurons normalizes the whole
// output tensor; for dense outputs this is the usual softmax over features.
const perSample = (f: (x: Tensor, dim: number) => Tensor) => (x: Tensor) =>
  x.ndim <= 2 ? f(x, -1) : f(x.flatten(1), -1).reshape(x.shape);

const ACTIVATIONS: Record<string, [string, Act]> = {
  relu: ['relu', (x) => x.relu()],
  leakyrelu: ['leakyRelu', (x) => leakyRelu(x, 0.01)],
  sigmoid: ['sigmoid', (x) => x.sigmoid()],
  softmax: ['softmax', perSample(softmax)],
  tanh: ['tanh', (x) => x.tanh()],
  linear: ['linear', (x) => x],
  identity: ['linear', (x) => x],
  none: ['linear', (x) => x],
  gelu: ['gelu', (x) => gelu(x)],
  silu: ['silu', (x) => silu(x)],
  elu: ['elu', (x) => elu(x)],
  softplus: ['softplus', (x) => softplus(x)],
};

/** A resolved activation: its display name and function. */
export interface Activation {
  readonly name: string;
  readonly fn: Act;
}

/** Resolves an activation argument (default `'linear'`), throwing on an unknown name. */
export function activation(op: string, a: ActivationArg | undefined): Activation {
  if (a === undefined || a === null) return { name: 'linear', fn: ACTIVATIONS.linear[1] };
  if (typeof a === 'function') return { name: a.name || 'custom', fn: a };
  if (typeof a !== 'string')
    throw new DTypeError(op, `expected activation to be a name or a function, got ${typeof a}`);
  const hit = ACTIVATIONS[a.toLowerCase().replace(/[_\- ]/g, '')];
  if (!hit) {
    const names = ['relu', 'leakyRelu', 'sigmoid', 'softmax', 'tanh', 'linear', 'gelu', 'silu', 'elu', 'softplus'];
    throw new ValueError(op, `expected activation to be one of ${names.join(', ')} or a function, got '${a}'`);
  }
  return { name: hit[0], fn: hit[1] };
}

/** Log-probabilities of a softmax layer's pre-activation (per sample, flattened), for stable losses. */
export const logSoftmaxPerSample = perSample(logSoftmax);

/** Checks an accumulation mode. */
export function accumulation(op: string, a: unknown, fallback: Accumulation): Accumulation {
  if (a === undefined) return fallback;
  if (!ACCUMULATIONS.includes(a as Accumulation)) {
    throw new ValueError(op, `expected accumulation to be one of ${ACCUMULATIONS.join(', ')}, got ${String(a)}`);
  }
  return a as Accumulation;
}

/** Merges an incoming value into a current one: `current ∘ incoming`; `overwrite` keeps the incoming. */
export function combine(mode: Accumulation, current: Tensor, incoming: Tensor): Tensor {
  switch (mode) {
    case 'add':
      return current.add(incoming);
    case 'subtract':
      return current.sub(incoming);
    case 'multiply':
      return current.mul(incoming);
    case 'overwrite':
      return incoming;
    case 'mean':
      return current.add(incoming).mul(0.5);
  }
}

/** Folds a list left to right (`mean` is the plain average of all of them, `overwrite` the last). */
export function combineAll(mode: Accumulation, xs: readonly Tensor[]): Tensor {
  if (mode === 'mean')
    return xs
      .slice(1)
      .reduce((a, b) => a.add(b), xs[0])
      .div(xs.length);
  return xs.slice(1).reduce((a, b) => combine(mode, a, b), xs[0]);
}

/** Checks a gradient-scale function and evaluates it for `loops` passes. */
export function scaleOf(op: string, fn: ScaleFn | undefined, loops: number): number {
  if (fn === undefined) return 1;
  if (typeof fn !== 'function')
    throw new DTypeError(op, `expected scale to be a function of the loop count, got ${typeof fn}`);
  const s = fn(loops);
  if (typeof s !== 'number' || !Number.isFinite(s)) {
    throw new ValueError(op, `expected scale(${loops}) to be a finite number, got ${String(s)}`);
  }
  return s;
}

// Identity forward; backward multiplies the gradient by a constant (neurons' loop scale).
const gradScaleFn = customFunction({
  name: 'gradScale',
  forward(ctx, x: Tensor, s: number): Tensor {
    ctx.values.s = s;
    return x;
  },
  backward(ctx, g) {
    return g.mul(ctx.values.s as number);
  },
});

/** `x` unchanged, but the gradient flowing back through it is multiplied by `s`. */
export function gradScale(x: Tensor, s: number): Tensor {
  return s === 1 || !x.requiresGrad ? x : gradScaleFn.apply(x, s);
}

/** Elements of a per-sample shape. */
export const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Checks a `Size2` and returns `[height, width]` of positive (or, with `min` 0, non-negative) integers. */
export function pair(op: string, name: string, v: Size2 | undefined, fallback: number, min = 1): [number, number] {
  const p = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : null;
  if (p === null || p.length !== 2 || p.some((n) => !Number.isInteger(n) || n < min)) {
    throw new ValueError(
      op,
      `expected ${name} to be an integer >= ${min} or [height, width] of them, got ${Array.isArray(v) ? fmtShape(v) : String(v)}`,
    );
  }
  return [p[0], p[1]];
}

/** Reshapes a batch `[N, ...]` to `[N, ...shape]` (same element count per sample, checked by the builder). */
export function toShape(x: Tensor, shape: readonly number[]): Tensor {
  const same = x.ndim === shape.length + 1 && shape.every((n, i) => x.shape[i + 1] === n);
  return same ? x : x.reshape([x.shape[0], ...shape]);
}

/** Throws a ShapeError unless `from` can be reshaped to `to` (same number of values per sample). */
export function checkReshape(op: string, what: string, from: readonly number[], to: readonly number[]): void {
  if (numelOf(from) !== numelOf(to)) {
    throw new ShapeError(
      op,
      `expected ${what} to have ${numelOf(to)} values per sample (shape ${fmtShape(to)}), got ${fmtShape(from)} (${numelOf(from)} values)`,
      [from, to],
    );
  }
}

/** Checks that a value is a Tensor. */
export function tensorArg(op: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new DTypeError(op, `expected ${name} to be a Tensor, got ${typeof v}`);
  return v;
}
