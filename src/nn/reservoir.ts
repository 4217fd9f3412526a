// Reservoir computing (nbml): RNNReservoir and ESN (echo-state network), with the fixed random
// weights held as buffers so optimizers never see them, power-iteration spectral scaling, and a
// closed-form ridge-regression readout. The spiking reservoirs live in spiking.ts.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { stack } from '../ops/shape.js';
import { empty, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { generatorOf, type Generator } from '../tensor/generator.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import { uniform_, xavierUniform_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module } from './module.js';
import { checkSeq, checkStateShape, type StateOptions } from './ssm.js';

/**
 * The spectral radius (largest |eigenvalue|) of a square matrix, by power iteration in float64:
 * the growth rate of `||W^k v||` over the last half of `iters` iterations, which also converges
 * when the dominant eigenvalues are a complex pair (where the plain Rayleigh ratio oscillates).
 * @example nn.spectralRadius(nb.tensor([[0, 2], [-2, 0]])) // 2
 */
export function spectralRadius(w: Tensor, opts: { iters?: number; generator?: Generator } = {}): number {
  const op = 'spectralRadius';
  if (w.ndim !== 2 || w.shape[0] !== w.shape[1]) {
    throw new ValueError(op, `expected a square matrix, got shape [${w.shape.join(', ')}]`);
  }
  const n = w.shape[0];
  const iters = opts.iters ?? 200;
  if (n === 0) return 0;
  const a = Float64Array.from(w.data());
  const g = generatorOf(op, opts);
  let v = new Float64Array(n).map(() => g.normal());
  let logGrowth = 0;
  const half = Math.floor(iters / 2);
  for (let it = 0; it < iters; it++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      next[i] = s;
    }
    let sq = 0;
    for (let i = 0; i < n; i++) sq += next[i] * next[i];
    const norm = Math.sqrt(sq);
    if (norm === 0) return 0; // nilpotent on this start vector
    if (it >= half) logGrowth += Math.log(norm);
    v = next.map((x) => x / norm);
  }
  return Math.exp(logGrowth / (iters - half));
}

/** Options of RNNReservoir (and ESN). */
export interface ReservoirOptions {
  /** Rescale the recurrent weights to this spectral radius (null keeps nbml's raw xavier draw). Default 0.9. */
  spectralRadius?: number | null;
  /** Leak rate a of `h = (1 - a) h + a tanh(...)`; 1 (default) is nbml's non-leaky update. */
  leakRate?: number;
  /** Factor on the input weights (and the bias). Default 1. */
  inputScaling?: number;
  /** Fraction of recurrent weights set to zero. Default 0. */
  sparsity?: number;
  /** Add a fixed random bias U(-inputScaling, inputScaling). Default true. */
  bias?: boolean;
  /** Source of the random weights. */
  generator?: Generator;
  dtype?: DType;
}

/** Zeroes a random `fraction` of `w` in place (reservoir sparsity). */
export function sparsify(w: Tensor, fraction: number, g: Generator): void {
  if (!(fraction >= 0 && fraction < 1))
    throw new ValueError('sparsity', `expected a fraction in [0, 1), got ${fraction}`);
  if (fraction === 0) return;
  const d = w.data();
  for (let i = 0; i < d.length; i++) if (g.random() < fraction) d[i] = 0;
  noGrad(() => w.copy_(fromArray(d, [...w.shape], w.dtype)));
}

/**
 * nbml's untrained recurrent reservoir: `h_t = (1 - a) h_{t-1} + a tanh(x_t W_in + h_{t-1} W_rec
 * + b)` with fixed random W_in `[dIn, dHidden]` (xavier-uniform times inputScaling), W_rec
 * `[dHidden, dHidden]` (xavier-uniform, sparsified, scaled to `spectralRadius`) and b. All three
 * are buffers: they are saved in the state dict but are not parameters. Gradients still flow to
 * the input.
 *
 * Shape: x `[B, S, dIn]`, output (the states) `[B, S, dHidden]`, state `[B, dHidden]`.
 * @example
 * const res = new nn.RNNReservoir(1, 100, { spectralRadius: 0.95, leakRate: 0.3 });
 * const states = res.call(nb.randn([1, 500, 1]));
 */
export class RNNReservoir extends Module<[Tensor, StateOptions?]> {
  readonly dIn: number;
  readonly dHidden: number;
  readonly leakRate: number;
  weightIn!: Tensor;
  weightRec!: Tensor;
  bias!: Tensor | null;

  constructor(dIn: number, dHidden: number, opts: ReservoirOptions = {}) {
    super();
    this.dIn = checkSize('RNNReservoir', 'dIn', dIn);
    this.dHidden = checkSize('RNNReservoir', 'dHidden', dHidden);
    this.leakRate = opts.leakRate ?? 1;
    if (!(this.leakRate > 0 && this.leakRate <= 1)) {
      throw new ValueError('RNNReservoir', `expected leakRate in (0, 1], got ${this.leakRate}`);
    }
    const dtype = opts.dtype ?? 'float32';
    const g = generatorOf('RNNReservoir', opts);
    const scale = opts.inputScaling ?? 1;
    const win = xavierUniform_(empty([dIn, dHidden], { dtype }), { generator: g }).mul(scale);
    const wrec = xavierUniform_(empty([dHidden, dHidden], { dtype }), { generator: g });
    sparsify(wrec, opts.sparsity ?? 0, g);
    this.registerBuffer('weightIn', win);
    this.registerBuffer('weightRec', wrec);
    this.registerBuffer(
      'bias',
      (opts.bias ?? true) ? uniform_(empty([dHidden], { dtype }), -scale, scale, { generator: g }) : null,
    );
    const rho = opts.spectralRadius === undefined ? 0.9 : opts.spectralRadius;
    if (rho !== null) this.setSpectralRadius(rho, { generator: g });
  }

  /**
   * Rescales the recurrent weights so their spectral radius is `rho` (estimated by power
   * iteration) and returns the radius measured afterwards, as nbml's `set_spectral_radius`.
   */
  setSpectralRadius(rho: number, opts: { iters?: number; generator?: Generator } = {}): number {
    if (!(rho >= 0)) throw new ValueError('setSpectralRadius', `expected a non-negative radius, got ${rho}`);
    const current = spectralRadius(this.weightRec, opts);
    if (current > 0) noGrad(() => this.weightRec.mul_(rho / current));
    return spectralRadius(this.weightRec, opts);
  }

  #update(h: Tensor, xin: Tensor): Tensor {
    let pre = xin.add(h.matmul(this.weightRec.to(h.dtype)));
    if (this.bias) pre = pre.add(this.bias.to(h.dtype));
    const a = this.leakRate;
    return a === 1 ? pre.tanh() : h.mul(1 - a).add(pre.tanh().mul(a));
  }

  /** All states plus the last: `[states [B, S, dHidden], h [B, dHidden]]`. */
  scan(x: Tensor, opts: StateOptions = {}): [Tensor, Tensor] {
    checkSeq('RNNReservoir', x, this.dIn, 3);
    const [B, S] = x.shape;
    let h =
      checkStateShape('RNNReservoir', opts.state, [B, this.dHidden]) ?? zeros([B, this.dHidden], { dtype: x.dtype });
    const xin = x.matmul(this.weightIn.to(x.dtype));
    const hs: Tensor[] = [];
    for (let t = 0; t < S; t++) hs.push((h = this.#update(h, xin.select(1, t))));
    return [S > 0 ? stack(hs, 1) : zeros([B, 0, this.dHidden], { dtype: x.dtype }), h];
  }

  forward(x: Tensor, opts: StateOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One step: `x` `[B, dIn]` and `h` `[B, dHidden]` (null: zeros) give `[h', h']`. */
  step(x: Tensor, state?: Tensor | null): [Tensor, Tensor] {
    checkSeq('RNNReservoir.step', x, this.dIn, 2);
    const h0 = checkStateShape('RNNReservoir.step', state, [x.shape[0], this.dHidden]);
    const h = this.#update(
      h0 ?? zeros([x.shape[0], this.dHidden], { dtype: x.dtype }),
      x.matmul(this.weightIn.to(x.dtype)),
    );
    return [h, h];
  }

  override extraRepr(): string {
    return `d_in=${this.dIn}, d_hidden=${this.dHidden}, leak_rate=${this.leakRate}`;
  }
}

/** Options of `ESN.fitRidge`. */
export interface RidgeOptions {
  /** L2 penalty on the readout weights (not the bias). Default 1e-6. */
  alpha?: number;
  /** Leading steps of every sequence left out of the fit (the reservoir's transient). Default 0. */
  washout?: number;
  /** Initial reservoir state `[B, dHidden]`. */
  state?: Tensor | null;
}

/**
 * Solves `(A + alpha I') w = b` for symmetric positive definite `A + alpha I'` (`n x n`, row-major)
 * and `k` right-hand sides, by Cholesky in float64; I' is the identity without its last entry
 * (the unpenalized bias). Returns `w` `[n, k]`.
 */
function ridgeSolve(A: Float64Array, b: Float64Array, n: number, k: number, alpha: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] + (i === j && i < n - 1 ? alpha : 0);
      for (let p = 0; p < j; p++) s -= L[i * n + p] * L[j * n + p];
      if (i === j) {
        // A tiny jitter keeps a rank-deficient design (e.g. saturated units) solvable.
        L[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const w = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = b[i * k + c];
      for (let p = 0; p < i; p++) s -= L[i * n + p] * y[p];
      y[i] = s / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let p = i + 1; p < n; p++) s -= L[p * n + i] * w[p * k + c];
      w[i * k + c] = s / L[i * n + i];
    }
  }
  return w;
}

/**
 * nbml's echo-state network: an `RNNReservoir` and a trained `Linear` readout, `y_t =
 * readout(h_t)`. Train the readout by gradient (its parameters are the only ones), or in closed
 * form with `fitRidge`.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`, state `[B, dHidden]`.
 * @example
 * const esn = new nn.ESN(1, 200, 1, { leakRate: 0.5 });
 * esn.fitRidge(inputs, targets, { alpha: 1e-6, washout: 100 });
 * const pred = esn.call(inputs);
 */
export class ESN extends Module<[Tensor, StateOptions?]> {
  reservoir: RNNReservoir;
  readout: Linear;

  constructor(dIn: number, dHidden: number, dOut: number, opts: ReservoirOptions = {}) {
    super();
    this.reservoir = new RNNReservoir(dIn, dHidden, opts);
    this.readout = new Linear(dHidden, dOut, { dtype: opts.dtype });
  }

  /** Outputs and the last reservoir state: `[y [B, S, dOut], h [B, dHidden]]`. */
  scan(x: Tensor, opts: StateOptions = {}): [Tensor, Tensor] {
    const [hs, h] = this.reservoir.scan(x, opts);
    return [this.readout.call(hs), h];
  }

  forward(x: Tensor, opts: StateOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One step: `[y [B, dOut], h [B, dHidden]]`. */
  step(x: Tensor, state?: Tensor | null): [Tensor, Tensor] {
    const [h] = this.reservoir.step(x, state);
    return [this.readout.call(h), h];
  }

  /**
   * Fits the readout in closed form: collects the reservoir states H of `inputs` `[B, S, dIn]`
   * (after `washout` steps), appends a ones column for the bias, and solves the ridge normal
   * equations `(H^T H + alpha I) W = H^T Y` against `targets` `[B, S, dOut]` in float64. Returns
   * the mean squared error of the fit on the training steps.
   */
  fitRidge(inputs: Tensor, targets: Tensor, opts: RidgeOptions = {}): number {
    const op = 'ESN.fitRidge';
    const alpha = opts.alpha ?? 1e-6;
    const washout = opts.washout ?? 0;
    const [B, S] = inputs.shape;
    const { dHidden } = this.reservoir;
    const dOut = this.readout.outFeatures;
    if (targets.ndim !== 3 || targets.shape[0] !== B || targets.shape[1] !== S || targets.shape[2] !== dOut) {
      throw new ValueError(op, `expected targets of shape [${B}, ${S}, ${dOut}], got [${targets.shape.join(', ')}]`);
    }
    if (!Number.isInteger(washout) || washout < 0 || washout >= S) {
      throw new ValueError(op, `expected washout to be an integer in [0, ${S}), got ${washout}`);
    }
    if (!(alpha >= 0)) throw new ValueError(op, `expected a non-negative alpha, got ${alpha}`);
    const hs = noGrad(() => this.reservoir.scan(inputs, { state: opts.state })[0])
      .narrow(1, washout, S - washout)
      .data();
    const ys = targets.narrow(1, washout, S - washout).data();
    const rows = B * (S - washout);
    const n = dHidden + 1;
    const hth = new Float64Array(n * n);
    const hty = new Float64Array(n * dOut);
    const row = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < dHidden; i++) row[i] = hs[r * dHidden + i];
      row[dHidden] = 1;
      for (let i = 0; i < n; i++) {
        const ri = row[i];
        for (let j = 0; j <= i; j++) hth[i * n + j] += ri * row[j];
        for (let c = 0; c < dOut; c++) hty[i * dOut + c] += ri * ys[r * dOut + c];
      }
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) hth[i * n + j] = hth[j * n + i];
    const w = ridgeSolve(hth, hty, n, dOut, alpha);
    const weight = new Float64Array(dOut * dHidden);
    const bias = new Float64Array(dOut);
    for (let c = 0; c < dOut; c++) {
      for (let i = 0; i < dHidden; i++) weight[c * dHidden + i] = w[i * dOut + c];
      bias[c] = w[dHidden * dOut + c];
    }
    noGrad(() => {
      this.readout.weight.copy_(fromArray(weight, [dOut, dHidden], 'float64'));
      this.readout.bias!.copy_(fromArray(bias, [dOut], 'float64'));
    });
    let se = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < dOut; c++) {
        let p = bias[c];
        for (let i = 0; i < dHidden; i++) p += hs[r * dHidden + i] * weight[c * dHidden + i];
        se += (p - ys[r * dOut + c]) ** 2;
      }
    }
    return se / (rows * dOut);
  }
}
