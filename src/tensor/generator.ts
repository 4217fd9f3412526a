import { DTypeError, ValueError } from '../errors.js';
import { Tensor } from './tensor.js';
import type { CreateOptions } from './args.js';
import { isFloat, type DType, type TypedArray } from './dtype.js';

/**
 * A seedable pseudo-random generator (xoshiro128**, seeded through splitmix32). Every random
 * function takes one as `generator`; without it they use the global one that `manualSeed` seeds.
 * @example const g = new nb.Generator(42); nb.rand([3], { generator: g });
 */
export class Generator {
  #s = new Uint32Array(4);
  #spare: number | null = null;
  #seed = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the state from a seed (an integer; only its low 53 bits matter). */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ValueError('manualSeed', `expected a finite integer seed, got ${seed}`);
    this.#seed = Math.trunc(seed);
    let x = (Math.trunc(seed) >>> 0) ^ Math.trunc(seed / 4294967296);
    for (let i = 0; i < 4; i++) {
      // splitmix32 spreads one seed over the four words of state.
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.#spare = null;
    return this;
  }

  /** The seed last given to `manualSeed` (PyTorch's `initial_seed`). */
  initialSeed(): number {
    return this.#seed;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform float64 in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform value in [0, 1) that stays below 1 once rounded to float32 (24 random bits). */
  random24(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A standard normal sample (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An exponential sample with rate 1 (inverse CDF: `-log(1 - u)`). */
  exponential(): number {
    return -Math.log1p(-this.random());
  }

  /**
   * A uniform integer in [low, high), exactly uniform: spans up to 2^32 reject the few draws
   * that would bias `x % span`; larger spans (up to 2^53) scale a 53-bit float.
   */
  integer(low: number, high: number): number {
    const span = high - low;
    if (span <= 4294967296) {
      const limit = 4294967296 - (4294967296 % span);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % span);
    }
    return low + Math.floor(this.random() * span);
  }

  /** The state, to save and restore with `setState` (checkpoints). */
  getState(): number[] {
    return [...this.#s, this.#spare ?? NaN];
  }

  /** Restores a state from `getState`. */
  setState(state: readonly number[]): this {
    if (state.length !== 5) throw new ValueError('setState', `expected a state of 5 numbers, got ${state.length}`);
    for (let i = 0; i < 4; i++) this.#s[i] = state[i] >>> 0;
    this.#spare = Number.isNaN(state[4]) ? null : state[4];
    return this;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator random functions use when none is given. */
export const defaultGenerator = new Generator(0);

/**
 * Seeds the global generator, making every random function reproducible.
 * @example nb.manualSeed(0); const a = nb.randn([2]); nb.manualSeed(0); // nb.randn([2]) equals a
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** The `generator` option of every random function. */
export interface GeneratorOptions {
  /** Source of randomness; the global generator (seeded by `manualSeed`) when omitted. */
  generator?: Generator;
}

/** Options of random creation functions. */
export interface RandomOptions extends CreateOptions, GeneratorOptions {}

/** The generator of an options object, checked, or the global one. */
export function generatorOf(op: string, opts: GeneratorOptions | undefined): Generator {
  const g = opts?.generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) throw new DTypeError(op, `expected generator to be a Generator, got ${typeof g}`);
  return g;
}

/** Fills a typed array with `sample(g)` for every element. */
export function sampleInto(data: TypedArray, g: Generator, sample: (g: Generator) => number): TypedArray {
  for (let i = 0; i < data.length; i++) data[i] = sample(g);
  return data;
}

/** Throws a `DTypeError` unless `dtype` is floating point (PyTorch's "not implemented for 'Long'"). */
export function floatOnly(op: string, dtype: DType): void {
  if (!isFloat(dtype))
    throw new DTypeError(op, `expected a floating point dtype, got ${dtype} ("${op}" is not implemented for ${dtype})`);
}

/** A uniform sample in [0, 1) with as many random bits as `dtype` holds. */
export function uniformSample(g: Generator, dtype: DType): number {
  return dtype === 'float32' ? g.random24() : g.random();
}

/** The integer range each dtype holds exactly (PyTorch's bounds for random_). */
export const INT_LIMITS: Record<DType, [number, number]> = {
  bool: [0, 1],
  int32: [-2147483648, 2147483647],
  float32: [-(2 ** 24), 2 ** 24],
  float64: [-(2 ** 53), 2 ** 53],
};

/** Checks an integer range [low, high) for `dtype`, with PyTorch's `random_` messages. */
export function checkIntRange(op: string, low: number, high: number, dtype: DType): void {
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new ValueError(op, `expected integer bounds, got low=${low}, high=${high}`);
  }
  if (low >= high) {
    throw new ValueError(
      op,
      `expected low < high (random_ expects 'from' to be less than 'to'), got from=${low} >= to=${high}`,
    );
  }
  const [min, max] = INT_LIMITS[dtype];
  if (low < min) throw new ValueError(op, `expected from >= ${min} for ${dtype} (from is out of bounds), got ${low}`);
  if (high - 1 > max)
    throw new ValueError(op, `expected to - 1 <= ${max} for ${dtype} (to - 1 is out of bounds), got to=${high}`);
}

/** Checks an argument is a tensor, naming the op otherwise. */
export function tensorArg(op: string, v: unknown, what = 'input'): Tensor {
  if (v instanceof Tensor) return v;
  throw new DTypeError(op, `expected ${what} to be a Tensor, got ${v === null ? 'null' : typeof v}`);
}

/** Elements of `t` broadcast to `shape`, as a contiguous array (read once, outside the graph). */
export function valuesAs(t: Tensor, shape: readonly number[]): TypedArray {
  return t.detach().expand(shape).data();
}

/** Throws unless a scalar probability lies in [0, 1]. */
export function checkProbability(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError(op, `expected p in [0, 1] (bernoulli_ expects p to be in [0, 1]), got p=${p}`);
  }
}

/** Throws unless every probability lies in [0, 1] (NaN included). */
export function checkProbabilities(op: string, p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      throw new ValueError(op, `expected probabilities in [0, 1], got ${p[i]} at flat index ${i}`);
    }
  }
}

/** Throws unless a standard deviation is >= 0. */
export function checkStd(op: string, std: number): void {
  if (!(std >= 0)) throw new ValueError(op, `expected std >= 0 (normal expects std >= 0.0), got std ${std}`);
}
