// Spiking reservoirs (nbml): SNNReservoir, a layer of leaky integrate-and-fire neurons with fixed
// random weights, and LSM (liquid-state machine) = SNNReservoir + trained linear readout.
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { stack } from '../ops/shape.js';
import { empty, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { generatorOf, type Generator } from '../tensor/generator.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_, xavierNormal_, xavierUniform_, zeros_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module } from './module.js';
import { sparsify, spectralRadius } from './reservoir.js';
import { checkSeq, checkStateShape } from './ssm.js';

/** Options of SNNReservoir (and LSM). */
export interface SNNReservoirOptions {
  /** Rescale the recurrent weights to this spectral radius (null: nbml's raw xavier draw). Default 0.9. */
  spectralRadius?: number | null;
  /** Factor on the input weights. Default 1. */
  inputScaling?: number;
  /** Fraction of recurrent weights set to zero. Default 0. */
  sparsity?: number;
  /** Firing thresholds drawn from U(lo, hi). Default [0, 1] (nbml). */
  thresholdRange?: [number, number];
  /** Membrane time constants drawn from U(lo, hi). Default [0, 1] (nbml). */
  tauRange?: [number, number];
  /** Time step Δ of the decay exp(-Δ / tau), when a call does not give one. Default 1. */
  dt?: number;
  /**
   * What a firing neuron sends through W_rec: its spike (1, the standard LIF reservoir; default)
   * or, as nbml does, its membrane value at the time of firing ('membrane').
   */
  propagate?: 'spikes' | 'membrane';
  /** What the layer returns per step: membrane potentials (default, nbml's state) or spikes (0/1). */
  output?: 'membrane' | 'spikes';
  generator?: Generator;
  dtype?: DType;
}

/** Call options of the spiking layers: the membrane state to start from and the time step(s). */
export interface SpikingOptions {
  state?: Tensor | null;
  /** Δ for every step, or one per step. Default: the layer's `dt`. */
  dt?: number | readonly number[];
}

function checkRange(op: string, lo: number, hi: number): void {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new ValueError(op, `expected a finite range lo <= hi, got [${lo}, ${hi}]`);
  }
}

/**
 * A reservoir of leaky integrate-and-fire neurons (nbml's SNNReservoir). Per step Δ:
 * `v = v * exp(-Δ / tau) + x W_in`; neurons with `v > threshold` spike (`s = 1`); they reset to 0
 * and send `s W_rec` to the others, which arrives with the next step's decay:
 * `v = v * (1 - s) + s W_rec`. With `propagate: 'membrane'` the sent value is `v * s` (nbml).
 * W_in, W_rec, tau and threshold are fixed buffers. The output is differentiable in the input
 * almost everywhere (spikes are piecewise constant).
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dHidden]`, state (membranes) `[B, dHidden]`.
 * @example
 * const snn = new nn.SNNReservoir(1, 40, { tauRange: [0.05, 0.5], thresholdRange: [0.3, 0.8], dt: 0.1 });
 * const v = snn.call(nb.rand([8, 20, 1])); // [8, 20, 40]
 */
export class SNNReservoir extends Module<[Tensor, SpikingOptions?]> {
  readonly dIn: number;
  readonly dHidden: number;
  readonly dt: number;
  readonly propagate: 'spikes' | 'membrane';
  readonly output: 'membrane' | 'spikes';
  weightIn!: Tensor;
  weightRec!: Tensor;
  tau!: Tensor;
  threshold!: Tensor;

  constructor(dIn: number, dHidden: number, opts: SNNReservoirOptions = {}) {
    super();
    this.dIn = checkSize('SNNReservoir', 'dIn', dIn);
    this.dHidden = checkSize('SNNReservoir', 'dHidden', dHidden);
    this.dt = opts.dt ?? 1;
    this.propagate = opts.propagate ?? 'spikes';
    this.output = opts.output ?? 'membrane';
    if (this.propagate !== 'spikes' && this.propagate !== 'membrane') {
      throw new ValueError('SNNReservoir', `expected propagate 'spikes' or 'membrane', got ${String(this.propagate)}`);
    }
    if (this.output !== 'spikes' && this.output !== 'membrane') {
      throw new ValueError('SNNReservoir', `expected output 'membrane' or 'spikes', got ${String(this.output)}`);
    }
    const dtype = opts.dtype ?? 'float32';
    const g = generatorOf('SNNReservoir', opts);
    const win = xavierUniform_(empty([dIn, dHidden], { dtype }), { generator: g }).mul(opts.inputScaling ?? 1);
    const wrec = xavierUniform_(empty([dHidden, dHidden], { dtype }), { generator: g });
    sparsify(wrec, opts.sparsity ?? 0, g);
    this.registerBuffer('weightIn', win);
    this.registerBuffer('weightRec', wrec);
    this.registerBuffer('tau', empty([dHidden], { dtype }));
    this.registerBuffer('threshold', empty([dHidden], { dtype }));
    this.setTauRange(...(opts.tauRange ?? [0, 1]), { generator: g });
    this.setThresholdRange(...(opts.thresholdRange ?? [0, 1]), { generator: g });
    const rho = opts.spectralRadius === undefined ? 0.9 : opts.spectralRadius;
    if (rho !== null) this.setSpectralRadius(rho, { generator: g });
  }

  /** Redraws the firing thresholds from U(lo, hi). */
  setThresholdRange(lo: number, hi: number, opts: { generator?: Generator } = {}): void {
    checkRange('setThresholdRange', lo, hi);
    uniform_(this.threshold, lo, hi, opts);
  }

  /** Redraws the membrane time constants from U(lo, hi) (lo >= 0). */
  setTauRange(lo: number, hi: number, opts: { generator?: Generator } = {}): void {
    checkRange('setTauRange', lo, hi);
    if (lo < 0) throw new ValueError('setTauRange', `expected non-negative time constants, got [${lo}, ${hi}]`);
    uniform_(this.tau, lo, hi, opts);
  }

  /** Rescales W_rec to spectral radius `rho`; returns the radius measured afterwards. */
  setSpectralRadius(rho: number, opts: { iters?: number; generator?: Generator } = {}): number {
    if (!(rho >= 0)) throw new ValueError('setSpectralRadius', `expected a non-negative radius, got ${rho}`);
    const current = spectralRadius(this.weightRec, opts);
    if (current > 0) noGrad(() => this.weightRec.mul_(rho / current));
    return spectralRadius(this.weightRec, opts);
  }

  // One step from membranes v and input current xin: returns [output, v'].
  #update(v: Tensor, xin: Tensor, dt: number): [Tensor, Tensor] {
    const decay = this.tau.to(v.dtype).reciprocal().mul(-dt).exp();
    const u = v.mul(decay).add(xin);
    const s = u.gt(this.threshold.to(v.dtype)).to(v.dtype);
    const sent = this.propagate === 'spikes' ? s : u.mul(s);
    const next = u.mul(s.neg().add(1)).add(sent.matmul(this.weightRec.to(v.dtype)));
    return [this.output === 'spikes' ? s : next, next];
  }

  #dt(op: string, dt: number | readonly number[] | undefined, S: number): (t: number) => number {
    if (dt === undefined) return () => this.dt;
    if (typeof dt === 'number') return () => dt;
    if (dt.length !== S) throw new ValueError(op, `expected ${S} time steps in dt, got ${dt.length}`);
    return (t) => dt[t];
  }

  /** Outputs of every step plus the last membranes: `[out [B, S, dHidden], v [B, dHidden]]`. */
  scan(x: Tensor, opts: SpikingOptions = {}): [Tensor, Tensor] {
    const op = this.constructor.name;
    checkSeq(op, x, this.dIn, 3);
    const [B, S] = x.shape;
    let v = checkStateShape(op, opts.state, [B, this.dHidden]) ?? zeros([B, this.dHidden], { dtype: x.dtype });
    const dt = this.#dt(op, opts.dt, S);
    const xin = x.matmul(this.weightIn.to(x.dtype));
    const outs: Tensor[] = [];
    for (let t = 0; t < S; t++) {
      const [o, next] = this.#update(v, xin.select(1, t), dt(t));
      outs.push(o);
      v = next;
    }
    return [S > 0 ? stack(outs, 1) : zeros([B, 0, this.dHidden], { dtype: x.dtype }), v];
  }

  forward(x: Tensor, opts: SpikingOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One step: `x` `[B, dIn]`, membranes `[B, dHidden]` (null: zeros) give `[out, v]`. */
  step(x: Tensor, state?: Tensor | null, opts: { dt?: number } = {}): [Tensor, Tensor] {
    const op = `${this.constructor.name}.step`;
    checkSeq(op, x, this.dIn, 2);
    const v =
      checkStateShape(op, state, [x.shape[0], this.dHidden]) ?? zeros([x.shape[0], this.dHidden], { dtype: x.dtype });
    return this.#update(v, x.matmul(this.weightIn.to(x.dtype)), opts.dt ?? this.dt);
  }

  override extraRepr(): string {
    return `d_in=${this.dIn}, d_hidden=${this.dHidden}, dt=${this.dt}, propagate=${this.propagate}`;
  }
}

/**
 * nbml's liquid-state machine: an `SNNReservoir` and a trained `Linear` readout (xavier-normal,
 * zero bias) applied to the reservoir's output at every step, `y_t = readout(v_t)`. Only the
 * readout has parameters.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`, state `[B, dHidden]`.
 * @example
 * const lsm = new nn.LSM(1, 40, 1, { dt: 0.1, tauRange: [0.05, 0.5], thresholdRange: [0.3, 0.8] });
 * const logits = lsm.call(x).select(1, -1); // classify from the last step
 */
export class LSM extends Module<[Tensor, SpikingOptions?]> {
  reservoir: SNNReservoir;
  readout: Linear;

  constructor(dIn: number, dHidden: number, dOut: number, opts: SNNReservoirOptions = {}) {
    super();
    this.reservoir = new SNNReservoir(dIn, dHidden, opts);
    this.readout = new Linear(dHidden, dOut, { dtype: opts.dtype });
    xavierNormal_(this.readout.weight, { generator: opts.generator });
    zeros_(this.readout.bias!);
  }

  /** Readouts of every step plus the last membranes. */
  scan(x: Tensor, opts: SpikingOptions = {}): [Tensor, Tensor] {
    const [out, v] = this.reservoir.scan(x, opts);
    return [this.readout.call(out), v];
  }

  forward(x: Tensor, opts: SpikingOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One step: `[y [B, dOut], v [B, dHidden]]`. */
  step(x: Tensor, state?: Tensor | null, opts: { dt?: number } = {}): [Tensor, Tensor] {
    const [out, v] = this.reservoir.step(x, state, opts);
    return [this.readout.call(out), v];
  }
}
