// Samplers decide the order in which a DataLoader visits indices (torch.utils.data.sampler).
// Each iteration is one epoch: random samplers draw a fresh order every time they are iterated,
// so epochs differ while a seeded generator keeps the whole run reproducible.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { defaultGenerator, Generator, generatorOf, type GeneratorOptions } from '../tensor/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { lengthOf, type DatasetLike } from './dataset.js';

/** An iterable of indices (or of index lists) with a known length per epoch. */
export interface Sampler<I = number> extends Iterable<I> {
  readonly length: number;
}

/** A dataset (its length is used) or a number of samples. */
export type SizeSource = DatasetLike<unknown> | number;

function sizeOf(op: string, src: SizeSource): number {
  if (typeof src === 'number') {
    if (!Number.isInteger(src) || src < 0) throw new ValueError(op, `expected a non-negative integer size, got ${src}`);
    return src;
  }
  return lengthOf(op, src);
}

/**
 * The generator one epoch draws from: the given one, whose state then carries over from epoch
 * to epoch, or (as PyTorch does) a fresh one seeded from the global generator.
 */
export function epochGenerator(op: string, opts: GeneratorOptions | undefined): Generator {
  const g = generatorOf(op, opts);
  return g === defaultGenerator ? new Generator(g.nextUint32() * 2097152 + (g.nextUint32() >>> 11)) : g;
}

/** A uniformly random permutation of `0 .. n-1` (Fisher-Yates). */
export function permutation(n: number, g: Generator): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function checkCount(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) {
    throw new ValueError(
      op,
      `expected ${name} to be a positive integer (${name} should be a positive integer value), got ${name}=${v}`,
    );
  }
}

function checkBool(op: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') {
    throw new DTypeError(
      op,
      `expected ${name} to be a boolean (${name} should be a boolean value), got ${name}=${String(v)}`,
    );
  }
}

/**
 * Visits `0 .. n-1` in order.
 * @example [...new data.SequentialSampler(3)] // [0, 1, 2]
 */
export class SequentialSampler implements Sampler {
  readonly length: number;
  constructor(dataSource: SizeSource) {
    this.length = sizeOf('SequentialSampler', dataSource);
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

/** Options of `RandomSampler`. */
export interface RandomSamplerOptions extends GeneratorOptions {
  /** Draw with replacement (default false). */
  replacement?: boolean;
  /** Indices per epoch (default: the dataset's length). */
  numSamples?: number;
}

/**
 * Visits indices in a random order: a permutation per epoch, or `numSamples` independent draws
 * with `replacement`. Without replacement and `numSamples > n`, whole permutations are chained.
 * @example new data.RandomSampler(ds, { generator: new nb.Generator(0) })
 */
export class RandomSampler implements Sampler {
  readonly size: number;
  readonly replacement: boolean;
  readonly length: number;
  readonly generator: Generator | undefined;

  constructor(dataSource: SizeSource, opts: RandomSamplerOptions = {}) {
    const op = 'RandomSampler';
    this.size = sizeOf(op, dataSource);
    this.replacement = opts.replacement ?? false;
    checkBool(op, 'replacement', this.replacement);
    this.length = opts.numSamples ?? this.size;
    checkCount(op, 'numSamples', this.length);
    generatorOf(op, opts);
    this.generator = opts.generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    const g = epochGenerator('RandomSampler', { generator: this.generator });
    const n = this.size;
    if (this.replacement) {
      for (let i = 0; i < this.length; i++) yield g.integer(0, n);
      return;
    }
    for (let left = this.length; left > 0; left -= n) {
      const perm = permutation(n, g);
      for (let i = 0; i < Math.min(n, left); i++) yield perm[i];
    }
  }
}

/**
 * Visits the given indices in a random order each epoch.
 * @example new data.SubsetRandomSampler(fold.train, { generator })
 */
export class SubsetRandomSampler implements Sampler {
  readonly indices: readonly number[];
  readonly generator: Generator | undefined;
  constructor(indices: readonly number[], opts: GeneratorOptions = {}) {
    generatorOf('SubsetRandomSampler', opts);
    this.indices = [...indices];
    this.generator = opts.generator;
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    const g = epochGenerator('SubsetRandomSampler', { generator: this.generator });
    for (const i of permutation(this.indices.length, g)) yield this.indices[i];
  }
}

/** Options of `WeightedRandomSampler`. */
export interface WeightedRandomSamplerOptions extends GeneratorOptions {
  /** Draw with replacement (default true). */
  replacement?: boolean;
}

/**
 * Draws `numSamples` indices with probability proportional to `weights` (torch.multinomial):
 * P(i) = w_i / sum(w). Without replacement, each draw is taken from the indices not yet drawn.
 * Oversamples rare classes: weight each sample by 1 / (its class's count).
 * @example new data.WeightedRandomSampler([0.1, 0.9, 0.4], 100)
 */
export class WeightedRandomSampler implements Sampler {
  readonly weights: Float64Array;
  readonly length: number;
  readonly replacement: boolean;
  readonly generator: Generator | undefined;
  #cumulative: Float64Array;

  constructor(weights: readonly number[] | Tensor, numSamples: number, opts: WeightedRandomSamplerOptions = {}) {
    const op = 'WeightedRandomSampler';
    if (weights instanceof Tensor && weights.ndim !== 1) {
      throw new ShapeError(
        op,
        `expected weights to be a 1-D sequence (weights should be a 1d sequence), got shape ${fmtShape(weights.shape)}`,
      );
    }
    const w = Float64Array.from(weights instanceof Tensor ? weights.data() : weights);
    checkCount(op, 'numSamples', numSamples);
    this.replacement = opts.replacement ?? true;
    checkBool(op, 'replacement', this.replacement);
    generatorOf(op, opts);
    let positive = 0;
    this.#cumulative = new Float64Array(w.length);
    let total = 0;
    w.forEach((v, i) => {
      if (!(v >= 0 && Number.isFinite(v))) {
        throw new ValueError(
          op,
          `expected finite, non-negative weights (invalid multinomial distribution), got ${v} at index ${i}`,
        );
      }
      if (v > 0) positive++;
      this.#cumulative[i] = total += v;
    });
    if (positive === 0)
      throw new ValueError(
        op,
        'expected weights with a positive sum (invalid multinomial distribution (sum of probabilities <= 0)), got all zeros',
      );
    if (!this.replacement && numSamples > positive) {
      throw new ValueError(
        op,
        `expected numSamples <= ${positive} (the number of positive weights) without replacement (cannot sample n_sample > prob_dist.size(-1) samples without replacement), got ${numSamples}`,
      );
    }
    this.weights = w;
    this.length = numSamples;
    this.generator = opts.generator;
  }

  *[Symbol.iterator](): Iterator<number> {
    const g = epochGenerator('WeightedRandomSampler', { generator: this.generator });
    if (this.replacement) {
      const c = this.#cumulative;
      const total = c[c.length - 1];
      for (let k = 0; k < this.length; k++) {
        const u = g.random() * total;
        // First index whose running total exceeds u (zero-weight indices are never chosen).
        let lo = 0;
        let hi = c.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (c[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        yield lo;
      }
      return;
    }
    // Efraimidis-Spirakis: ranking by log(u) / w_i gives the same distribution as drawing one
    // index at a time from the remaining weights, in O(n log n) instead of O(n * numSamples).
    const keys = Array.from(this.weights, (wi, i) => ({ i, key: wi > 0 ? Math.log(1 - g.random()) / wi : -Infinity }));
    keys.sort((a, b) => b.key - a.key);
    for (let k = 0; k < this.length; k++) yield keys[k].i;
  }
}

/**
 * Groups another sampler's indices into lists of `batchSize` (the last one shorter unless
 * `dropLast`).
 * @example [...new data.BatchSampler(new data.SequentialSampler(5), 2, false)] // [[0, 1], [2, 3], [4]]
 */
export class BatchSampler implements Sampler<number[]> {
  readonly sampler: Sampler;
  readonly batchSize: number;
  readonly dropLast: boolean;

  constructor(sampler: Sampler, batchSize: number, dropLast = false) {
    const op = 'BatchSampler';
    checkCount(op, 'batchSize', batchSize);
    checkBool(op, 'dropLast', dropLast);
    if (sampler === null || typeof sampler?.[Symbol.iterator] !== 'function') {
      throw new DTypeError(
        op,
        `expected sampler to be an iterable of indices, got ${sampler === null ? 'null' : typeof sampler}`,
      );
    }
    this.sampler = sampler;
    this.batchSize = batchSize;
    this.dropLast = dropLast;
  }

  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
