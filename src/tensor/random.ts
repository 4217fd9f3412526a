import { ValueError } from '../errors.js';
import { allocate, checkDType, isFloat } from './dtype.js';
import { checkGradDType, shapeArg, type CreateOptions } from './create.js';
import { fromArray, type Tensor } from './tensor.js';

/**
 * A seedable pseudo-random generator (xoshiro128**, seeded through splitmix32). Every random
 * function takes one as `generator`; without it they use the global one that `manualSeed` seeds.
 * @example const g = new nb.Generator(42); nb.rand([3], { generator: g });
 */
export class Generator {
  #s = new Uint32Array(4);
  #spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the state from a seed (an integer; only its low 53 bits matter). */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ValueError('manualSeed', `expected a finite integer seed, got ${seed}`);
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

  /** A uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
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

/** Options of random creation functions. */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function floatTensor(
  op: string,
  shape: number | readonly number[],
  opts: RandomOptions | undefined,
  sample: (g: Generator) => number,
): Tensor {
  const s = shapeArg(op, shape);
  const dtype = checkDType(op, opts?.dtype ?? 'float32');
  if (!isFloat(dtype)) throw new ValueError(op, `expected a floating point dtype, got ${dtype}`);
  checkGradDType(op, dtype, opts);
  const g = opts?.generator ?? defaultGenerator;
  const data = allocate(
    dtype,
    s.reduce((a, b) => a * b, 1),
  );
  for (let i = 0; i < data.length; i++) data[i] = sample(g);
  const t = fromArray(data, s, dtype);
  return opts?.requiresGrad ? t.requiresGrad_(true) : t;
}

/** Uniform samples in [0, 1). @example nb.rand([2, 3]) */
export function rand(shape: number | readonly number[], opts?: RandomOptions): Tensor {
  return floatTensor('rand', shape, opts, (g) => g.random());
}

/** Standard normal samples. @example nb.randn([2, 3], { requiresGrad: true }) */
export function randn(shape: number | readonly number[], opts?: RandomOptions): Tensor {
  return floatTensor('randn', shape, opts, (g) => g.normal());
}
