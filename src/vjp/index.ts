/**
 * Forward values and vector-Jacobian products of ops as plain functions, for people who write
 * their own backward passes (nbml's style): `vjp.matmul(a, b, dy)` returns `[a @ b, [da, db]]`
 * with `da = dy @ b^T`, `db = a^T @ dy`. Arguments: the tensor inputs, then `dy` (the gradient
 * of the output, shaped like it), then the op's other arguments. Each is the op's own autograd
 * rule run on detached copies of the inputs, so the results match `backward()` exactly; inputs'
 * `.grad` is never touched and the results carry no graph. `null` marks an input with no
 * gradient (a missing bias, integer class indices).
 * @example
 * const [y, [dx]] = nb.vjp.tanh(x, dy); // y = tanh x, dx = dy (1 - y^2)
 */
import { grad } from '../autograd/engine.js';
import { enableGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import * as F from '../nn/functional/index.js';
import type {
  ConvOptions,
  CrossEntropyOptions,
  MaxPoolOptions,
  ReductionOptions,
  SizeArg,
} from '../nn/functional/index.js';
import * as ops from '../ops/index.js';
import type { ReduceOptions } from '../ops/reduce.js';
import { isFloat } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** What every vjp function returns: the op's output and one gradient per tensor input. */
export type VjpResult<G extends readonly (Tensor | null)[]> = [output: Tensor, grads: G];

type Input = Tensor | null | undefined;

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/**
 * Runs `f` on detached copies of `inputs` (floating-point ones requiring grad) and pulls `dy`
 * back through it with `grad`.
 */
function pull(op: string, inputs: readonly Input[], dy: unknown, f: (...xs: (Tensor | null)[]) => Tensor) {
  const name = `vjp.${op}`;
  inputs.forEach((x, i) => {
    if (x !== null && x !== undefined && !(x instanceof Tensor)) {
      throw new DTypeError(name, `expected input ${i} to be a Tensor, got ${describe(x)}`);
    }
  });
  if (!(dy instanceof Tensor))
    throw new DTypeError(name, `expected dy (the output's gradient) to be a Tensor, got ${describe(dy)}`);
  const leaves = inputs.map((x) =>
    x instanceof Tensor && isFloat(x.dtype) ? x.detach().requiresGrad_() : (x ?? null),
  );
  const y = enableGrad(() => f(...leaves));
  if (!sameShape(dy.shape, y.shape)) {
    throw new ShapeError(name, `expected dy of shape ${fmtShape(y.shape)} (the output's), got ${fmtShape(dy.shape)}`, [
      y.shape,
      dy.shape,
    ]);
  }
  const diff = leaves.filter((x): x is Tensor => x !== null && x.requiresGrad);
  const gs =
    diff.length > 0 && y.requiresGrad
      ? grad([y], diff, { gradOutputs: [dy], allowUnused: true, materializeGrads: true })
      : diff.map((x) => x.zerosLike());
  let k = 0;
  const grads = leaves.map((x) => (x !== null && x.requiresGrad ? gs[k++] : null));
  return [y.detach(), grads] as [Tensor, (Tensor | null)[]];
}

/**
 * Turns any function of tensors into its vjp form: `of(f)(...inputs, dy)` returns
 * `[f(...inputs), grads]`.
 * @example
 * const swish = nb.vjp.of((x) => x.mul(x.sigmoid()));
 * const [y, [dx]] = swish(x, dy);
 */
export function of<A extends Input[]>(
  fn: (...xs: A) => Tensor,
): (...args: [...A, Tensor]) => VjpResult<{ [K in keyof A]: Tensor | null }> {
  return (...args) => {
    const inputs = args.slice(0, -1) as Input[];
    return pull(fn.name || 'of', inputs, args[args.length - 1], fn as (...xs: (Tensor | null)[]) => Tensor) as never;
  };
}

// ---- elementwise -------------------------------------------------------------------------

type Unary = (x: Tensor, dy: Tensor) => VjpResult<[Tensor]>;
const unary =
  (op: string, f: (x: Tensor) => Tensor): Unary =>
  (x, dy) =>
    pull(op, [x], dy, (a) => f(a!)) as VjpResult<[Tensor]>;

/** `e^x`; `dx = dy e^x`. @example const [y, [dx]] = vjp.exp(x, dy); */
export const exp: Unary = unary('exp', ops.exp);
/** `ln x`; `dx = dy / x`. @example const [y, [dx]] = vjp.log(x, dy); */
export const log: Unary = unary('log', ops.log);
/** `tanh x`; `dx = dy (1 - y^2)`. @example const [y, [dx]] = vjp.tanh(x, dy); */
export const tanh: Unary = unary('tanh', ops.tanh);
/** `sigma(x)`; `dx = dy y (1 - y)`. @example const [y, [dx]] = vjp.sigmoid(x, dy); */
export const sigmoid: Unary = unary('sigmoid', ops.sigmoid);
/** `max(x, 0)`; `dx = dy [x > 0]`. @example const [y, [dx]] = vjp.relu(x, dy); */
export const relu: Unary = unary('relu', ops.relu);
/** `-x`; `dx = -dy`. @example const [y, [dx]] = vjp.neg(x, dy); */
export const neg: Unary = unary('neg', ops.neg);
/** `sqrt x`; `dx = dy / (2 sqrt x)`. @example const [y, [dx]] = vjp.sqrt(x, dy); */
export const sqrt: Unary = unary('sqrt', ops.sqrt);

type Binary = (a: Tensor, b: Tensor, dy: Tensor) => VjpResult<[Tensor, Tensor]>;
const binary =
  (op: string, f: (a: Tensor, b: Tensor) => Tensor): Binary =>
  (a, b, dy) =>
    pull(op, [a, b], dy, (x, y) => f(x!, y!)) as VjpResult<[Tensor, Tensor]>;

/** `a + b` (broadcasting; each gradient is summed back to its input's shape). @example const [y, [da, db]] = vjp.add(a, b, dy); */
export const add: Binary = binary('add', (a, b) => ops.add(a, b));
/** `a - b`. @example const [y, [da, db]] = vjp.sub(a, b, dy); */
export const sub: Binary = binary('sub', (a, b) => ops.sub(a, b));
/** `a * b`; `da = dy b`, `db = dy a`. @example const [y, [da, db]] = vjp.mul(a, b, dy); */
export const mul: Binary = binary('mul', ops.mul);
/** `a / b`; `da = dy / b`, `db = -dy a / b^2`. @example const [y, [da, db]] = vjp.div(a, b, dy); */
export const div: Binary = binary('div', (a, b) => ops.div(a, b));
/** `a @ b` (torch.matmul's rules); for matrices `da = dy b^T`, `db = a^T dy`. @example const [y, [da, db]] = vjp.matmul(a, b, dy); */
export const matmul: Binary = binary('matmul', ops.matmul);

/**
 * `a^b` with a tensor or number exponent (a number gets no gradient).
 * @example const [y, [da]] = vjp.pow(a, 3, dy); // da = 3 a^2 dy
 */
export function pow(a: Tensor, b: Tensor | number, dy: Tensor): VjpResult<[Tensor, Tensor | null]> {
  const e = typeof b === 'number' ? null : b;
  return pull('pow', [a, e], dy, (x, y) => ops.pow(x!, y ?? (b as number))) as VjpResult<[Tensor, Tensor | null]>;
}

// ---- reductions and softmax ----------------------------------------------------------------

/** `sum(x, dim?)`; `dx = dy` expanded back over the summed dims. @example const [s, [dx]] = vjp.sum(x, nb.tensor(1)); */
export function sum(
  x: Tensor,
  dy: Tensor,
  dim?: number | readonly number[],
  opts?: ReduceOptions,
): VjpResult<[Tensor]> {
  return pull('sum', [x], dy, (a) => ops.sum(a!, dim, opts)) as VjpResult<[Tensor]>;
}

/** `mean(x, dim?)`; `dx = dy / n` expanded back. @example const [m, [dx]] = vjp.mean(x, dy, 1); */
export function mean(
  x: Tensor,
  dy: Tensor,
  dim?: number | readonly number[],
  opts?: ReduceOptions,
): VjpResult<[Tensor]> {
  return pull('mean', [x], dy, (a) => ops.mean(a!, dim, opts)) as VjpResult<[Tensor]>;
}

/** `softmax(x, dim)`; `dx = y (dy - sum(dy y, dim))`. @example const [p, [dx]] = vjp.softmax(x, dy, -1); */
export function softmax(x: Tensor, dy: Tensor, dim: number): VjpResult<[Tensor]> {
  return pull('softmax', [x], dy, (a) => ops.softmax(a!, dim)) as VjpResult<[Tensor]>;
}

/** `logSoftmax(x, dim)`; `dx = dy - softmax(x) sum(dy, dim)`. @example const [lp, [dx]] = vjp.logSoftmax(x, dy, -1); */
export function logSoftmax(x: Tensor, dy: Tensor, dim: number): VjpResult<[Tensor]> {
  return pull('logSoftmax', [x], dy, (a) => ops.logSoftmax(a!, dim)) as VjpResult<[Tensor]>;
}

// ---- layers and losses -----------------------------------------------------------------------

/** `x W^T + b` (F.linear); the bias may be null. @example const [y, [dx, dW, db]] = vjp.linear(x, W, b, dy); */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  dy: Tensor,
): VjpResult<[Tensor, Tensor, Tensor | null]> {
  return pull('linear', [x, weight, bias], dy, (a, w, b) => F.linear(a!, w!, b)) as VjpResult<
    [Tensor, Tensor, Tensor | null]
  >;
}

/** 2-D convolution (F.conv2d); the bias may be null. @example const [y, [dx, dW, db]] = vjp.conv2d(x, W, b, dy, { padding: 1 }); */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  dy: Tensor,
  opts?: ConvOptions,
): VjpResult<[Tensor, Tensor, Tensor | null]> {
  return pull('conv2d', [x, weight, bias], dy, (a, w, b) => F.conv2d(a!, w!, b, opts)) as VjpResult<
    [Tensor, Tensor, Tensor | null]
  >;
}

/**
 * Layer normalization over the last dims (F.layerNorm); `normalizedShape` defaults to the
 * weight's shape. Weight and bias may be null.
 * @example const [y, [dx, dg, db]] = vjp.layerNorm(x, gamma, beta, dy);
 */
export function layerNorm(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  dy: Tensor,
  opts: { normalizedShape?: number | readonly number[]; eps?: number } = {},
): VjpResult<[Tensor, Tensor | null, Tensor | null]> {
  const shape = opts.normalizedShape ?? weight?.shape ?? bias?.shape;
  if (shape === undefined) {
    throw new ValueError('vjp.layerNorm', 'expected normalizedShape (or a weight or bias to take it from), got none');
  }
  return pull('layerNorm', [x, weight, bias], dy, (a, w, b) =>
    F.layerNorm(a!, shape, { weight: w, bias: b, eps: opts.eps }),
  ) as VjpResult<[Tensor, Tensor | null, Tensor | null]>;
}

/**
 * 2-D max pooling (F.maxPool2d): the gradient goes to each window's maximum.
 * @example const [y, [dx]] = vjp.maxPool2d(x, dy, 2);
 */
export function maxPool2d(
  x: Tensor,
  dy: Tensor,
  kernelSize: SizeArg,
  opts?: Omit<MaxPoolOptions, 'returnIndices'>,
): VjpResult<[Tensor]> {
  return pull('maxPool2d', [x], dy, (a) => F.maxPool2d(a!, kernelSize, { ...opts, returnIndices: false })) as VjpResult<
    [Tensor]
  >;
}

/**
 * Cross-entropy of logits against class indices (no gradient) or class probabilities.
 * @example const [loss, [dlogits]] = vjp.crossEntropy(logits, labels, nb.tensor(1));
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  dy: Tensor,
  opts?: CrossEntropyOptions,
): VjpResult<[Tensor, Tensor | null]> {
  return pull('crossEntropy', [input, target], dy, (a, t) => F.crossEntropy(a!, t!, opts)) as VjpResult<
    [Tensor, Tensor | null]
  >;
}

/**
 * Mean squared error (F.mseLoss); both operands get a gradient.
 * @example const [loss, [dpred, dtarget]] = vjp.mseLoss(pred, target, nb.tensor(1));
 */
export function mseLoss(
  input: Tensor,
  target: Tensor,
  dy: Tensor,
  opts?: ReductionOptions,
): VjpResult<[Tensor, Tensor]> {
  return pull('mseLoss', [input, target], dy, (a, t) => F.mseLoss(a!, t!, opts)) as VjpResult<[Tensor, Tensor]>;
}
