// The in-place initializers behind Tensor.uniform_, normal_, bernoulli_, exponential_ and
// random_: sample new values for every element, then write them through assign_ (which bumps the
// version counter and refuses leaves that require grad outside noGrad).
import { isGradEnabled } from '../autograd/mode.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate, type DType } from '../tensor/dtype.js';
import {
  checkIntRange,
  checkProbabilities,
  checkProbability,
  checkStd,
  floatOnly,
  generatorOf,
  sampleInto,
  tensorArg,
  uniformSample,
  valuesAs,
  type Generator,
  type GeneratorOptions,
} from '../tensor/generator.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { Tensor, fromArray } from '../tensor/tensor.js';

// assign_ refuses leaves that require grad (outside noGrad); asking it before sampling keeps
// the generator untouched when the call is refused.
function refuseEarly(x: Tensor, op: string): void {
  if (isGradEnabled() && x.requiresGrad) x.assign_(x.detach(), op);
}

function fillWith<T extends Tensor>(x: T, op: string, g: Generator, sample: (g: Generator) => number): T {
  const data = sampleInto(allocate(x.dtype, x.numel()), g, sample);
  return x.assign_(fromArray(data, [...x.shape], x.dtype), op);
}

// The largest value of `dtype` strictly below `to`, for keeping rounded samples inside [from, to).
function below(to: number, dtype: DType): number {
  if (dtype === 'float32') {
    const f = new Float32Array([to]);
    if (f[0] === 0) return -(2 ** -149);
    new Int32Array(f.buffer)[0] += f[0] > 0 ? -1 : 1;
    return f[0];
  }
  if (to === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([to]);
  new BigInt64Array(f.buffer)[0] += to > 0 ? -1n : 1n;
  return f[0];
}

/**
 * In place: uniform samples in [from, to).
 * @example nb.noGrad(() => w.uniform_(-0.1, 0.1));
 */
export function uniform_<T extends Tensor>(x: T, from = 0, to = 1, opts?: GeneratorOptions): T {
  const op = 'uniform_';
  tensorArg(op, x);
  floatOnly(op, x.dtype);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new ValueError(
      op,
      `expected a finite range with from <= to (uniform_ expects to return a [from, to) range), got from=${from}, to=${to}`,
    );
  }
  refuseEarly(x, op);
  // When float32 cannot tell from and to apart, from is the only value left.
  const low = x.dtype === 'float32' ? Math.fround(from) : from;
  const top = from < to ? Math.max(below(to, x.dtype), low) : to;
  const dtype = x.dtype;
  return fillWith(x, op, generatorOf(op, opts), (g) => Math.min(from + uniformSample(g, dtype) * (to - from), top));
}

/**
 * In place: normal samples with the given `mean` and standard deviation `std`.
 * @example nb.noGrad(() => w.normal_(0, 0.02));
 */
export function normal_<T extends Tensor>(x: T, mean = 0, std = 1, opts?: GeneratorOptions): T {
  const op = 'normal_';
  tensorArg(op, x);
  floatOnly(op, x.dtype);
  checkStd(op, std);
  refuseEarly(x, op);
  return fillWith(x, op, generatorOf(op, opts), (g) => mean + std * g.normal());
}

/**
 * In place: 0/1 samples, 1 with probability `p` (a number, or a tensor broadcastable to `x`).
 * @example nb.zeros([4]).bernoulli_(0.5);
 */
export function bernoulli_<T extends Tensor>(x: T, p: number | Tensor = 0.5, opts?: GeneratorOptions): T {
  const op = 'bernoulli_';
  tensorArg(op, x);
  let probs: ArrayLike<number> | null = null;
  if (p instanceof Tensor) {
    const b = broadcastShapes(op, x.shape, p.shape);
    if (!sameShape(b, x.shape)) {
      throw new ShapeError(
        op,
        `expected p of a shape that broadcasts to ${fmtShape(x.shape)}, got ${fmtShape(p.shape)}`,
        [x.shape, p.shape],
      );
    }
    probs = valuesAs(p, x.shape);
    checkProbabilities(op, probs);
  } else checkProbability(op, p);
  refuseEarly(x, op);
  const g = generatorOf(op, opts);
  if (probs === null) return fillWith(x, op, g, (gen) => (gen.random() < (p as number) ? 1 : 0));
  const pr = probs;
  let i = 0;
  return fillWith(x, op, g, (gen) => (gen.random() < pr[i++] ? 1 : 0));
}

/**
 * In place: exponential samples with rate `lambd` (density `lambd * exp(-lambd * x)`).
 * @example nb.empty([3]).exponential_(2);
 */
export function exponential_<T extends Tensor>(x: T, lambd = 1, opts?: GeneratorOptions): T {
  const op = 'exponential_';
  tensorArg(op, x);
  floatOnly(op, x.dtype);
  if (!(lambd >= 0))
    throw new ValueError(op, `expected lambda >= 0 (exponential_ expects lambda >= 0.0), got lambda=${lambd}`);
  refuseEarly(x, op);
  return fillWith(x, op, generatorOf(op, opts), (g) => (lambd === 0 ? Infinity : g.exponential() / lambd));
}

/**
 * In place: uniform integers in [from, to). `random_(to)` means [0, to); with no bounds the
 * range is every integer the dtype holds exactly from 0 up (`[0, 2^24]` for float32,
 * `[0, 2^31 - 1]` for int32, as in PyTorch).
 * @example nb.zeros([3], { dtype: 'int32' }).random_(10);
 */
export function random_<T extends Tensor>(
  x: T,
  from?: number | GeneratorOptions,
  to?: number | GeneratorOptions,
  opts?: GeneratorOptions,
): T {
  const op = 'random_';
  tensorArg(op, x);
  const nums = [from, to].filter((v): v is number => typeof v === 'number');
  const o = [from, to, opts].find((v): v is GeneratorOptions => typeof v === 'object' && v !== null);
  const full: Record<DType, number> = { bool: 2, int32: 2147483648, float32: 2 ** 24 + 1, float64: 2 ** 53 + 1 };
  const [low, high] = nums.length === 0 ? [0, full[x.dtype]] : nums.length === 1 ? [0, nums[0]] : [nums[0], nums[1]];
  checkIntRange(op, low, high, x.dtype);
  refuseEarly(x, op);
  return fillWith(x, op, generatorOf(op, o), (g) => g.integer(low, high));
}
