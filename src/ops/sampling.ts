// Sampling from distributions given as tensors: bernoulli, multinomial, normal. None of these
// is differentiable: PyTorch gives their results zero gradients, nabla leaves them out of the graph.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { creationDType, finish, shapeArg, type ShapeArg } from '../tensor/args.js';
import { allocate, isFloat, resultType } from '../tensor/dtype.js';
import {
  checkProbabilities,
  checkProbability,
  checkStd,
  floatOnly,
  generatorOf,
  sampleInto,
  tensorArg,
  valuesAs,
  type Generator,
  type GeneratorOptions,
  type RandomOptions,
} from '../tensor/generator.js';
import { broadcastShapes, numelOf } from '../tensor/shape.js';
import { Tensor, fromArray } from '../tensor/tensor.js';

export type { GeneratorOptions } from '../tensor/generator.js';

/**
 * Draws 0/1 samples: with one tensor argument each element is 1 with the probability stored
 * there (a float tensor of values in [0, 1]); with a number `p`, every element of a tensor of
 * `input`'s shape and dtype is 1 with probability `p`.
 * @example
 * nb.bernoulli(nb.tensor([0, 0.5, 1]));   // e.g. [0, 1, 1]
 * nb.bernoulli(nb.zeros([2, 2]), 0.3);
 */
export function bernoulli(input: Tensor, p?: number | GeneratorOptions, opts?: GeneratorOptions): Tensor {
  if (typeof p === 'object' && p !== null) return bernoulli(input, undefined, p);
  const x = tensorArg('bernoulli', input);
  const g = generatorOf('bernoulli', opts);
  const out = allocate(x.dtype, x.numel());
  if (p !== undefined) {
    checkProbability('bernoulli', p);
    sampleInto(out, g, (gen) => (gen.random() < p ? 1 : 0));
  } else {
    if (!isFloat(x.dtype)) {
      throw new DTypeError('bernoulli', `expected a floating point tensor of probabilities, got ${x.dtype}`);
    }
    const probs = x.data();
    checkProbabilities('bernoulli', probs);
    for (let i = 0; i < out.length; i++) out[i] = g.random() < probs[i] ? 1 : 0;
  }
  return fromArray(out, [...x.shape], x.dtype);
}

function checkWeights(x: Tensor, w: ArrayLike<number>, rows: number, k: number, n: number, repl: boolean): void {
  const op = 'multinomial';
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    let positive = 0;
    for (let c = 0; c < k; c++) {
      const v = w[r * k + c];
      if (!(v >= 0 && v < Infinity)) {
        const at = x.ndim === 2 ? `[${r}, ${c}]` : `[${c}]`;
        throw new ValueError(
          op,
          `expected finite non-negative weights (probability tensor contains either \`inf\`, \`nan\` or element < 0), got ${v} at index ${at}`,
        );
      }
      sum += v;
      if (v > 0) positive++;
    }
    if (!(sum > 0)) {
      throw new ValueError(
        op,
        `expected a positive sum of weights (invalid multinomial distribution (sum of probabilities <= 0)), got ${sum} in row ${r}`,
      );
    }
    if (!repl && positive < n) {
      throw new ValueError(
        op,
        `expected at least ${n} categories with nonzero weight (invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)), got ${positive} in row ${r}`,
      );
    }
  }
}

// Inverse-CDF sampling: the first category whose cumulative weight exceeds u * total. Zero-weight
// categories repeat the previous cumulative value, so they can never be the first to exceed it.
function drawWithReplacement(
  w: ArrayLike<number>,
  base: number,
  k: number,
  n: number,
  g: Generator,
  out: Int32Array,
  at: number,
): void {
  const cdf = new Float64Array(k);
  let acc = 0;
  let lastPositive = 0;
  for (let c = 0; c < k; c++) {
    acc += w[base + c];
    cdf[c] = acc;
    if (w[base + c] > 0) lastPositive = c;
  }
  for (let s = 0; s < n; s++) {
    const target = g.random() * acc;
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    out[at + s] = lo < k ? lo : lastPositive;
  }
}

// Without replacement: give each category an exponential clock E / w and take the n that ring
// first. This has exactly the law of drawing one at a time in proportion to the remaining weights
// (Efraimidis & Spirakis, 2006), in O(k log k) instead of O(n k).
function drawWithoutReplacement(
  w: ArrayLike<number>,
  base: number,
  k: number,
  n: number,
  g: Generator,
  out: Int32Array,
  at: number,
): void {
  const keys: [number, number][] = [];
  for (let c = 0; c < k; c++) {
    const e = g.exponential();
    if (w[base + c] > 0) keys.push([e / w[base + c], c]);
  }
  keys.sort((a, b) => a[0] - b[0]);
  for (let s = 0; s < n; s++) out[at + s] = keys[s][1];
}

/**
 * Samples category indices from the weights in each row of `input` (1-D, or 2-D for one
 * distribution per row). Weights need not sum to 1. Without `replacement` (the default) a row
 * never repeats an index, so it needs at least `numSamples` nonzero weights. Returns `int32`.
 * @example
 * nb.multinomial(nb.tensor([0.1, 0.6, 0.3]), 2);                        // e.g. [1, 2]
 * nb.multinomial(nb.tensor([[1, 1], [0, 1]]), 4, { replacement: true }); // [2, 4]
 */
export function multinomial(
  input: Tensor,
  numSamples: number,
  opts?: GeneratorOptions & { replacement?: boolean },
): Tensor {
  const op = 'multinomial';
  const x = tensorArg(op, input);
  if (!isFloat(x.dtype)) {
    throw new DTypeError(
      op,
      `expected floating point weights (multinomial only supports floating-point dtypes for input), got ${x.dtype}`,
    );
  }
  if (x.ndim !== 1 && x.ndim !== 2) {
    throw new ShapeError(
      op,
      `expected a 1-D or 2-D tensor of weights (prob_dist must be 1 or 2 dim), got shape ${fmtShape(x.shape)}`,
      [x.shape],
    );
  }
  if (!Number.isInteger(numSamples) || numSamples <= 0) {
    throw new ValueError(
      op,
      `expected numSamples to be a positive integer (cannot sample n_sample <= 0 samples), got ${numSamples}`,
    );
  }
  const replacement = opts?.replacement ?? false;
  const k = x.shape[x.ndim - 1];
  if (!replacement && numSamples > k) {
    throw new ValueError(
      op,
      `expected numSamples <= ${k} categories without replacement (cannot sample n_sample > prob_dist.size(-1) samples without replacement), got ${numSamples}`,
    );
  }
  const rows = x.ndim === 2 ? x.shape[0] : 1;
  const w = x.data();
  checkWeights(x, w, rows, k, numSamples, replacement);
  const g = generatorOf(op, opts);
  const out = new Int32Array(rows * numSamples);
  const draw = replacement ? drawWithReplacement : drawWithoutReplacement;
  for (let r = 0; r < rows; r++) draw(w, r * k, k, numSamples, g, out, r * numSamples);
  return fromArray(out, x.ndim === 2 ? [rows, numSamples] : [numSamples], 'int32');
}

/**
 * Normal samples `mean + std * N(0, 1)`. With numbers for `mean` and `std` a `shape` is
 * required; with tensors (or a tensor and a number) the shape is their broadcast shape and the
 * dtype their promoted float dtype.
 * @example
 * nb.normal(0, 2, [3]);
 * nb.normal(nb.zeros([2]), nb.tensor([1, 10]));
 */
export function normal(mean: number, std: number, shape: ShapeArg, opts?: RandomOptions): Tensor;
export function normal(mean: Tensor | number, std: Tensor | number, opts?: GeneratorOptions): Tensor;
export function normal(
  mean: Tensor | number,
  std: Tensor | number,
  c?: ShapeArg | RandomOptions,
  d?: RandomOptions,
): Tensor {
  const op = 'normal';
  if (typeof mean === 'number' && typeof std === 'number') {
    if (c === undefined || (typeof c !== 'number' && !Array.isArray(c))) {
      throw new ValueError(
        op,
        `expected a shape when mean and std are numbers, got ${c === undefined ? 'none' : typeof c}`,
      );
    }
    const s = shapeArg(op, c as ShapeArg);
    const dtype = creationDType(op, d, 'float32');
    floatOnly(op, dtype);
    checkStd(op, std);
    const g = generatorOf(op, d);
    const data = sampleInto(allocate(dtype, numelOf(s)), g, (gen) => mean + std * gen.normal());
    return finish(fromArray(data, s, dtype), d);
  }
  const opts = c as GeneratorOptions | undefined;
  for (const [what, v] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (v instanceof Tensor) {
      if (!isFloat(v.dtype)) throw new DTypeError(op, `expected a floating point ${what}, got ${v.dtype}`);
    } else if (typeof v !== 'number')
      throw new DTypeError(op, `expected ${what} to be a Tensor or a number, got ${typeof v}`);
  }
  const shapes = [mean, std].filter((v): v is Tensor => v instanceof Tensor).map((t) => t.shape);
  const shape = broadcastShapes(op, ...shapes);
  const dtype = resultType(mean, std);
  const m = mean instanceof Tensor ? valuesAs(mean, shape) : null;
  const s = std instanceof Tensor ? valuesAs(std, shape) : null;
  if (s !== null) {
    for (let i = 0; i < s.length; i++) {
      if (!(s[i] >= 0))
        throw new ValueError(
          op,
          `expected all elements of std >= 0 (normal expects all elements of std >= 0.0), got ${s[i]} at flat index ${i}`,
        );
    }
  } else checkStd(op, std as number);
  const g = generatorOf(op, opts);
  const out = allocate(dtype, numelOf(shape));
  for (let i = 0; i < out.length; i++) {
    out[i] = (m === null ? (mean as number) : m[i]) + (s === null ? (std as number) : s[i]) * g.normal();
  }
  return fromArray(out, shape, dtype);
}
