import { DTypeError, ValueError } from '../errors.js';
import { creationDType, finish, shapeArg, type ShapeArg } from './args.js';
import { allocate, type DType } from './dtype.js';
import {
  INT_LIMITS,
  checkIntRange,
  floatOnly,
  generatorOf,
  sampleInto,
  uniformSample,
  type Generator,
  type RandomOptions,
} from './generator.js';
import { numelOf } from './shape.js';
import { fromArray, type Tensor } from './tensor.js';

export { Generator, defaultGenerator, manualSeed, type GeneratorOptions, type RandomOptions } from './generator.js';

function floatTensor(
  op: string,
  shape: ShapeArg,
  opts: RandomOptions | undefined,
  sample: (g: Generator, dtype: DType) => number,
): Tensor {
  const s = shapeArg(op, shape);
  const dtype = creationDType(op, opts, 'float32');
  floatOnly(op, dtype);
  const g = generatorOf(op, opts);
  const data = sampleInto(allocate(dtype, numelOf(s)), g, (gen) => sample(gen, dtype));
  return finish(fromArray(data, s, dtype), opts);
}

/** Uniform samples in [0, 1). @example nb.rand([2, 3]) */
export function rand(shape: ShapeArg, opts?: RandomOptions): Tensor {
  return floatTensor('rand', shape, opts, uniformSample);
}

/** Standard normal samples (mean 0, variance 1). @example nb.randn([2, 3], { requiresGrad: true }) */
export function randn(shape: ShapeArg, opts?: RandomOptions): Tensor {
  return floatTensor('randn', shape, opts, (g) => g.normal());
}

/** Uniform samples in [0, 1) with `like`'s shape and (unless given) dtype. @example nb.randLike(x) */
export function randLike(like: Tensor, opts?: RandomOptions): Tensor {
  return floatTensor('randLike', like.shape, { dtype: like.dtype, ...opts }, uniformSample);
}

/** Standard normal samples with `like`'s shape and (unless given) dtype. @example nb.randnLike(x) */
export function randnLike(like: Tensor, opts?: RandomOptions): Tensor {
  return floatTensor('randnLike', like.shape, { dtype: like.dtype, ...opts }, (g) => g.normal());
}

function randintImpl(op: string, low: number, high: number, shape: ShapeArg, opts: RandomOptions | undefined): Tensor {
  const s = shapeArg(op, shape);
  const dtype = creationDType(op, opts, 'int32');
  checkIntRange(op, low, high, dtype);
  const g = generatorOf(op, opts);
  const data = sampleInto(allocate(dtype, numelOf(s)), g, (gen) => gen.integer(low, high));
  return finish(fromArray(data, s, dtype), opts);
}

/**
 * Uniform random integers in [low, high) (`low` defaults to 0), `int32` unless `dtype` says otherwise.
 * @example
 * nb.randint(10, [3]);       // values in 0..9
 * nb.randint(-5, 5, [2, 2]);
 */
export function randint(high: number, shape: ShapeArg, opts?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: ShapeArg, opts?: RandomOptions): Tensor;
export function randint(a: number, b: number | ShapeArg, c?: ShapeArg | RandomOptions, d?: RandomOptions): Tensor {
  if (typeof c === 'number' || Array.isArray(c)) return randintImpl('randint', a, b as number, c as ShapeArg, d);
  return randintImpl('randint', 0, a, b, c as RandomOptions | undefined);
}

/**
 * Random integers in [low, high) with `like`'s shape and (unless given) dtype.
 * @example nb.randintLike(x, 10); nb.randintLike(x, -3, 3);
 */
export function randintLike(like: Tensor, high: number, opts?: RandomOptions): Tensor;
export function randintLike(like: Tensor, low: number, high: number, opts?: RandomOptions): Tensor;
export function randintLike(like: Tensor, a: number, b?: number | RandomOptions, c?: RandomOptions): Tensor {
  const [low, high, opts] = typeof b === 'number' ? [a, b, c] : [0, a, b];
  return randintImpl('randintLike', low, high, like.shape, { dtype: like.dtype, ...opts });
}

/**
 * A random permutation of `0 .. n-1` (Fisher-Yates shuffle), `int32` unless `dtype` says otherwise.
 * @example nb.randperm(5); // e.g. [3, 0, 4, 1, 2]
 */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError('randperm', `expected n to be a non-negative integer, got ${n}`);
  const dtype = creationDType('randperm', opts, 'int32');
  if (dtype === 'bool')
    throw new DTypeError('randperm', 'expected a numeric dtype, got bool ("randperm" is not implemented for bool)');
  const [, max] = INT_LIMITS[dtype];
  if (n - 1 > max) throw new ValueError('randperm', `expected n - 1 <= ${max} for ${dtype}, got n=${n}`);
  const g = generatorOf('randperm', opts);
  const perm = new Float64Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const data = allocate(dtype, n);
  data.set(perm);
  return finish(fromArray(data, [n], dtype), opts);
}
