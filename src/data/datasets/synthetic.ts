// Small synthetic problems: XOR and time series. Random ones take a `generator` (the global one,
// seeded by `manualSeed`, otherwise), so every draw is reproducible.
import { ValueError } from '../../errors.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { floatOnly, generatorOf, type GeneratorOptions } from '../../tensor/generator.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';

function checkCount(op: string, name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min)
    throw new ValueError(op, `expected ${name} to be an integer >= ${min}, got ${v}`);
}

/** Options of `xor`. */
export interface XorOptions extends GeneratorOptions {
  /** Number of samples; omitted: the four rows of the truth table, in order. */
  n?: number;
  /** Standard deviation of Gaussian noise added to the inputs (default 0). */
  noise?: number;
}

/**
 * The XOR problem: inputs `[N, 2]` in {0, 1} and targets `[N, 1]` = x0 XOR x1, both float32.
 * Without `n`, the four rows of the truth table; with `n`, random corners plus `noise`.
 * @example const { x, y } = data.datasets.xor(); // x [[0,0],[0,1],[1,0],[1,1]], y [[0],[1],[1],[0]]
 */
export function xor(opts: XorOptions = {}): { x: Tensor; y: Tensor } {
  const op = 'xor';
  const g = generatorOf(op, opts);
  const n = opts.n ?? 4;
  checkCount(op, 'n', n);
  const noise = opts.noise ?? 0;
  if (!(noise >= 0)) throw new ValueError(op, `expected noise >= 0, got ${noise}`);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const corner = opts.n === undefined ? i : g.integer(0, 4);
    const a = corner >> 1;
    const b = corner & 1;
    x[2 * i] = a + (noise > 0 ? noise * g.normal() : 0);
    x[2 * i + 1] = b + (noise > 0 ? noise * g.normal() : 0);
    y[i] = a ^ b;
  }
  return { x: fromArray(x, [n, 2], 'float32'), y: fromArray(y, [n, 1], 'float32') };
}

/** Options of `mackeyGlass`. */
export interface MackeyGlassOptions {
  /** Delay τ (default 17, the usual chaotic regime). */
  tau?: number;
  /** Feedback gain β (default 0.2). */
  beta?: number;
  /** Decay rate γ (default 0.1). */
  gamma?: number;
  /** Nonlinearity exponent (default 10). */
  power?: number;
  /** Initial value, also the constant history before t = 0 (default 1.2). */
  x0?: number;
  /** Runge-Kutta step (default 0.1; τ and `sampleEvery` must be multiples of it). */
  dt?: number;
  /** Time between returned samples (default 1). */
  sampleEvery?: number;
  /** Samples to drop first, to skip the initial transient (default 0). */
  discard?: number;
  /** dtype of the result (default float32). */
  dtype?: DType;
}

function steps(op: string, name: string, v: number, dt: number): number {
  const k = Math.round(v / dt);
  if (!(v > 0) || Math.abs(k * dt - v) > 1e-9 * Math.max(1, v)) {
    throw new ValueError(op, `expected ${name} to be a positive multiple of dt=${dt}, got ${v}`);
  }
  return k;
}

/**
 * The Mackey-Glass delay differential equation dx/dt = β x(t-τ) / (1 + x(t-τ)^p) - γ x(t),
 * integrated with 4th-order Runge-Kutta (delayed values at half steps interpolated linearly),
 * sampled every `sampleEvery` time units: `[n]`. Deterministic (no randomness); vary `x0` for
 * other trajectories. The classic benchmark of reservoir computing and forecasting.
 * @example const series = data.datasets.mackeyGlass(2000, { discard: 500 }); // [2000]
 */
export function mackeyGlass(n: number, opts: MackeyGlassOptions = {}): Tensor {
  const op = 'mackeyGlass';
  checkCount(op, 'n', n, 0);
  const { beta = 0.2, gamma = 0.1, power = 10, x0 = 1.2, dt = 0.1, discard = 0 } = opts;
  checkCount(op, 'discard', discard, 0);
  if (!(dt > 0)) throw new ValueError(op, `expected dt > 0, got ${dt}`);
  const d = steps(op, 'tau', opts.tau ?? 17, dt);
  const every = steps(op, 'sampleEvery', opts.sampleEvery ?? 1, dt);
  const total = (n + discard) * every;
  const xs = new Float64Array(total + 1);
  xs[0] = x0;
  const past = (i: number) => (i < 0 ? x0 : xs[i]);
  const f = (x: number, xd: number) => (beta * xd) / (1 + xd ** power) - gamma * x;
  for (let i = 0; i < total; i++) {
    const x = xs[i];
    const xd0 = past(i - d);
    const xd1 = past(i - d + 1);
    const xdh = (xd0 + xd1) / 2;
    const k1 = f(x, xd0);
    const k2 = f(x + (dt / 2) * k1, xdh);
    const k3 = f(x + (dt / 2) * k2, xdh);
    const k4 = f(x + dt * k3, xd1);
    xs[i + 1] = x + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  const dtype = opts.dtype ?? 'float32';
  floatOnly(op, dtype);
  const out = allocate(dtype, n);
  for (let k = 0; k < n; k++) out[k] = xs[(k + discard) * every];
  return fromArray(out, [n], dtype);
}

/** Options of `sineMixture`. */
export interface SineMixtureOptions extends GeneratorOptions {
  /** Frequencies in cycles per sample (default: `components` drawn uniformly in [0.005, 0.1)). */
  frequencies?: readonly number[];
  /** Amplitudes (default: 1 each with given frequencies, else drawn uniformly in [0.5, 1.5)). */
  amplitudes?: readonly number[];
  /** Phases in radians (default: 0 each with given frequencies, else drawn uniformly in [0, 2π)). */
  phases?: readonly number[];
  /** Number of random components when `frequencies` is omitted (default 3). */
  components?: number;
  /** Standard deviation of added Gaussian noise (default 0). */
  noise?: number;
  /** dtype of the result (default float32). */
  dtype?: DType;
}

/**
 * A sum of sines x[t] = Σ_k a_k sin(2π f_k t + φ_k) + noise·ε_t for t = 0 .. n-1: `[n]`.
 * Parameters not given are drawn from the generator.
 * @example data.datasets.sineMixture(500, { frequencies: [0.01, 0.037], noise: 0.05 })
 */
export function sineMixture(n: number, opts: SineMixtureOptions = {}): Tensor {
  const op = 'sineMixture';
  checkCount(op, 'n', n, 0);
  const g = generatorOf(op, opts);
  const given = opts.frequencies !== undefined;
  const k = opts.frequencies?.length ?? opts.components ?? 3;
  checkCount(op, 'components', k);
  const freqs = opts.frequencies ?? Array.from({ length: k }, () => 0.005 + 0.095 * g.random());
  const amps = opts.amplitudes ?? Array.from({ length: k }, () => (given ? 1 : 0.5 + g.random()));
  const phases = opts.phases ?? Array.from({ length: k }, () => (given ? 0 : 2 * Math.PI * g.random()));
  if (amps.length !== k || phases.length !== k) {
    throw new ValueError(
      op,
      `expected ${k} amplitudes and phases (one per frequency), got ${amps.length} and ${phases.length}`,
    );
  }
  const noise = opts.noise ?? 0;
  if (!(noise >= 0)) throw new ValueError(op, `expected noise >= 0, got ${noise}`);
  const dtype = opts.dtype ?? 'float32';
  floatOnly(op, dtype);
  const out = allocate(dtype, n);
  for (let t = 0; t < n; t++) {
    let v = 0;
    for (let j = 0; j < k; j++) v += amps[j] * Math.sin(2 * Math.PI * freqs[j] * t + phases[j]);
    out[t] = noise > 0 ? v + noise * g.normal() : v;
  }
  return fromArray(out, [n], dtype);
}
