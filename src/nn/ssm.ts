// State-space models: nbml's LinearSSM (a discrete linear time-invariant system) and a trainable
// Mamba-style SelectiveSSM (nbml's experimental one is forward-only).
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { noGrad } from '../autograd/mode.js';
import { softplus } from '../ops/activations.js';
import { where } from '../ops/elementwise.js';
import { cat, stack } from '../ops/shape.js';
import { empty, ones, zeros } from '../tensor/create.js';
import { rand } from '../tensor/random.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { Tensor, fromArray } from '../tensor/tensor.js';
import { normal_, uniform_, xavierUniform_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { causalMask } from './masks.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** An in-place initializer such as `nn.init.xavierUniform_`. */
export type InitFn = (t: Tensor) => unknown;

/** `scan` / `forward` options of the state-space models: the state to start from (default zeros). */
export interface StateOptions {
  state?: Tensor | null;
}

/** SSM options: a state, and a keep-mask `[B, S]` whose false steps leave the state unchanged. */
export interface SSMOptions extends StateOptions {
  mask?: Tensor | null;
}

/** A keep-mask `[B, S]` as float weights `[B, S]` of `dtype` (null when absent), checked. */
export function maskWeights(
  op: string,
  mask: Tensor | null | undefined,
  B: number,
  S: number,
  dtype: DType,
): Tensor | null {
  if (mask === null || mask === undefined) return null;
  if (!(mask instanceof Tensor) || mask.ndim !== 2 || mask.shape[0] !== B || mask.shape[1] !== S) {
    const got = mask instanceof Tensor ? fmtShape(mask.shape) : String(mask);
    throw new ShapeError(op, `expected a keep-mask of shape [${B}, ${S}], got ${got}`);
  }
  return mask.ne(0).to(dtype);
}

/** Checks a float input `[B, S, d]` (ndim 3) or `[B, d]` (ndim 2), naming `op` otherwise. */
export function checkSeq(op: string, x: Tensor, d: number, ndim: number): void {
  if (!(x instanceof Tensor)) throw new DTypeError(op, `expected input to be a Tensor, got ${typeof x}`);
  if (!isFloat(x.dtype)) throw new DTypeError(op, `expected a floating point input, got ${x.dtype}`);
  if (x.ndim !== ndim || x.shape[ndim - 1] !== d) {
    const want = ndim === 3 ? `[B, S, ${d}]` : `[B, ${d}]`;
    throw new ShapeError(op, `expected input of shape ${want}, got ${fmtShape(x.shape)}`, [x.shape]);
  }
}

/** Checks an optional state against `want`; returns it (or null when absent). */
export function checkStateShape(op: string, s: Tensor | null | undefined, want: number[]): Tensor | null {
  if (s === null || s === undefined) return null;
  if (!(s instanceof Tensor) || s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
    const got = s instanceof Tensor ? fmtShape(s.shape) : String(s);
    throw new ShapeError(op, `expected a state of shape ${fmtShape(want)}, got ${got}`);
  }
  return s;
}

/** Options of LinearSSM. */
export interface LinearSSMOptions {
  /** Initializer of A `[dModel, dModel]`. Default U(-1/sqrt(dModel), 1/sqrt(dModel)) (spectral radius about 0.6). */
  initA?: InitFn;
  /** Initializer of B `[dIn, dModel]`. Default xavier-uniform. */
  initB?: InitFn;
  /** Initializer of C `[dModel, dOut]`. Default xavier-uniform. */
  initC?: InitFn;
  dtype?: DType;
}

/**
 * nbml's discrete linear time-invariant system: `h_t = h_{t-1} A + x_t B`, `y_t = h_t C`, h_0 = 0
 * (or a given state); no bias and no nonlinearity. Trained through time by autograd.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`, state `[B, dModel]`.
 * @example
 * const ssm = new nn.LinearSSM(20, 10, 10, { initA: (t) => nn.init.orthogonal_(t) });
 * ssm.call(nb.randn([4, 16, 10])); // [4, 16, 10]
 */
export class LinearSSM extends Module<[Tensor, SSMOptions?]> {
  readonly dModel: number;
  readonly dIn: number;
  readonly dOut: number;
  A: Parameter;
  B: Parameter;
  C: Parameter;

  constructor(dModel: number, dIn: number, dOut: number, opts: LinearSSMOptions = {}) {
    super();
    this.dModel = checkSize('LinearSSM', 'dModel', dModel);
    this.dIn = checkSize('LinearSSM', 'dIn', dIn);
    this.dOut = checkSize('LinearSSM', 'dOut', dOut);
    const dtype = opts.dtype ?? 'float32';
    this.A = new Parameter(empty([dModel, dModel], { dtype }));
    this.B = new Parameter(empty([dIn, dModel], { dtype }));
    this.C = new Parameter(empty([dModel, dOut], { dtype }));
    const r = dModel > 0 ? 1 / Math.sqrt(dModel) : 0;
    noGrad(() => {
      (opts.initA ?? ((t: Tensor) => uniform_(t, -r, r)))(this.A);
      (opts.initB ?? xavierUniform_)(this.B);
      (opts.initC ?? xavierUniform_)(this.C);
    });
  }

  /** The forward pass plus the last state: `[y [B, S, dOut], h [B, dModel]]`. */
  scan(x: Tensor, opts: SSMOptions = {}): [Tensor, Tensor] {
    checkSeq('LinearSSM', x, this.dIn, 3);
    const [Bn, S] = x.shape;
    let h = checkStateShape('LinearSSM', opts.state, [Bn, this.dModel]) ?? zeros([Bn, this.dModel], { dtype: x.dtype });
    const m = maskWeights('LinearSSM', opts.mask, Bn, S, x.dtype);
    const xb = x.matmul(this.B); // every step's input term at once
    const hs: Tensor[] = [];
    for (let t = 0; t < S; t++) {
      const next = h.matmul(this.A).add(xb.select(1, t));
      h = m ? h.add(next.sub(h).mul(m.narrow(1, t, 1))) : next;
      hs.push(h);
    }
    const states = S > 0 ? stack(hs, 1) : zeros([Bn, 0, this.dModel], { dtype: x.dtype });
    return [states.matmul(this.C), h];
  }

  forward(x: Tensor, opts: SSMOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One step: `x` `[B, dIn]`, state `[B, dModel]` (null: zeros) give `[y [B, dOut], state]`. */
  step(x: Tensor, state?: Tensor | null): [Tensor, Tensor] {
    checkSeq('LinearSSM.step', x, this.dIn, 2);
    const h0 = checkStateShape('LinearSSM.step', state, [x.shape[0], this.dModel]);
    const h = (h0 ? h0.matmul(this.A) : zeros([x.shape[0], this.dModel], { dtype: x.dtype })).add(x.matmul(this.B));
    return [h.matmul(this.C), h];
  }

  override extraRepr(): string {
    return `d_model=${this.dModel}, d_in=${this.dIn}, d_out=${this.dOut}`;
  }
}

/**
 * `h_t = exp(logDecay_t) * h_{t-1} + u_t` elementwise over time (dim 1), chunk by chunk: inside a
 * chunk `h_t = exp(L_t) h_0 + sum_{s<=t} exp(L_t - L_s) u_s` with L the cumulative log-decay,
 * every exponent <= 0. `chunkSize` 1 runs the plain recurrence. Returns all states `[B, S, *]`.
 * @example
 * // an exponential moving average with rate 0.9 of x [B, S, D]
 * const ema = nn.diagonalScan(nb.fullLike(x, Math.log(0.9)), x.mul(0.1), nb.zeros([B, D]), 16);
 */
export function diagonalScan(logDecay: Tensor, u: Tensor, h0: Tensor, chunkSize: number): Tensor {
  const S = u.shape[1];
  const out: Tensor[] = [];
  let h = h0;
  const trailing = u.ndim - 2;
  if (chunkSize === 1) {
    // Step by step: two small ops per step.
    const decay = logDecay.exp();
    for (let t = 0; t < S; t++) out.push((h = decay.select(1, t).mul(h).add(u.select(1, t))));
    return S === 0 ? zeros([...u.shape], { dtype: u.dtype }) : stack(out, 1);
  }
  for (let start = 0; start < S; start += chunkSize) {
    const c = Math.min(chunkSize, S - start);
    const L = logDecay.narrow(1, start, c).cumsum(1);
    const keep = causalMask(c).reshape([c, c, ...new Array<number>(trailing).fill(1)]);
    const decay = where(keep, L.unsqueeze(2).sub(L.unsqueeze(1)), -Infinity).exp(); // [B, t, s, *]
    const hs = decay
      .mul(u.narrow(1, start, c).unsqueeze(1))
      .sum(2)
      .add(L.exp().mul(h.unsqueeze(1)));
    out.push(hs);
    h = hs.select(1, c - 1);
  }
  return out.length === 1 ? out[0] : out.length === 0 ? zeros([...u.shape], { dtype: u.dtype }) : cat(out, 1);
}

/** Options of SelectiveSSM. */
export interface SelectiveSSMOptions {
  /** Range of the initial step sizes softplus(b_dt) (Mamba's dt_min, dt_max). Default [1e-3, 0.1]. */
  dtRange?: [number, number];
  /**
   * Steps per chunk of the scan. 1 (default) runs the recurrence step by step; larger chunks
   * trade per-step ops for C-times larger elementwise work, which pays only when the state
   * `B * dIn * dModel` is a few hundred elements or less (measured on the JS backend: at
   * B = 32, dIn = 4, dModel = 8, S = 14, forward + backward takes 19 ms step by step, 39-71 ms
   * with chunks of 2-16).
   */
  chunkSize?: number;
  dtype?: DType;
}

/**
 * A Mamba-style selective state-space layer (diagonal, one state vector of size dModel per
 * channel): `delta = softplus(x W_dt^T + b_dt)`, `A = -exp(A_log)` (`[dIn, dModel]`),
 * `Abar = exp(delta A)`, `Bbar = (Abar - 1) / A * (x W_B^T)` (zero-order hold, as nbml),
 * `h_t = Abar_t * h_{t-1} + Bbar_t x_t`, `y_t = h_t (x_t W_C^T) + D * x_t`. Trains by autograd
 * through the scan (`diagonalScan`, linear in the sequence length); `step` runs one step.
 * A_log starts at log(n + 1) (nbml's A[d, n] = -(n + 1)), D at 1.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dIn]`, state `[B, dIn, dModel]`.
 * @see https://arxiv.org/abs/2312.00752
 * @example new nn.SelectiveSSM(8, 4).call(nb.randn([2, 20, 4])) // [2, 20, 4]
 */
export class SelectiveSSM extends Module<[Tensor, SSMOptions?]> {
  readonly dModel: number;
  readonly dIn: number;
  readonly chunkSize: number;
  dt: Linear;
  xB: Linear;
  xC: Linear;
  A_log: Parameter;
  D: Parameter;

  constructor(dModel: number, dIn: number, opts: SelectiveSSMOptions = {}) {
    super();
    this.dModel = checkSize('SelectiveSSM', 'dModel', dModel);
    this.dIn = checkSize('SelectiveSSM', 'dIn', dIn);
    this.chunkSize = Math.max(1, checkSize('SelectiveSSM', 'chunkSize', opts.chunkSize ?? 1));
    const dtype = opts.dtype ?? 'float32';
    this.dt = new Linear(dIn, dIn, { dtype });
    this.xB = new Linear(dIn, dModel, { bias: false, dtype });
    this.xC = new Linear(dIn, dModel, { bias: false, dtype });
    noGrad(() => {
      normal_(this.xB.weight, 0, 1e-2);
      normal_(this.xC.weight, 0, dModel > 0 ? 1 / Math.sqrt(dModel) : 0);
    });
    const [lo, hi] = opts.dtRange ?? [1e-3, 0.1];
    // Mamba's dt init: log-uniform step sizes, stored through softplus's inverse.
    const b = rand([dIn], { dtype: 'float64' })
      .data()
      .map((r) => {
        const dt = Math.exp(Math.log(lo) + r * (Math.log(hi) - Math.log(lo)));
        return dt + Math.log(-Math.expm1(-dt));
      });
    noGrad(() => this.dt.bias!.copy_(fromArray(b, [dIn], 'float64')));
    const aLog = new Float64Array(dIn * dModel).map((_, i) => Math.log((i % dModel) + 1));
    this.A_log = new Parameter(fromArray(aLog, [dIn, dModel], 'float64').to(dtype));
    this.D = new Parameter(ones([dIn], { dtype }));
  }

  // Per-step decay log(Abar) and input term Bbar x, both [..., dIn, dModel], and C [..., dModel].
  #terms(x: Tensor): { logDecay: Tensor; u: Tensor; c: Tensor } {
    const delta = softplus(this.dt.call(x)).unsqueeze(-1);
    const A = this.A_log.exp().neg();
    const logDecay = delta.mul(A);
    const bbar = logDecay.exp().sub(1).div(A);
    const u = bbar.mul(this.xB.call(x).unsqueeze(-2)).mul(x.unsqueeze(-1));
    return { logDecay, u, c: this.xC.call(x) };
  }

  /** The forward pass plus the last state: `[y [B, S, dIn], h [B, dIn, dModel]]`. */
  scan(x: Tensor, opts: SSMOptions = {}): [Tensor, Tensor] {
    checkSeq('SelectiveSSM', x, this.dIn, 3);
    const [Bn, S] = x.shape;
    const h0 =
      checkStateShape('SelectiveSSM', opts.state, [Bn, this.dIn, this.dModel]) ??
      zeros([Bn, this.dIn, this.dModel], { dtype: x.dtype });
    if (S === 0) return [zeros([Bn, 0, this.dIn], { dtype: x.dtype }), h0];
    const { logDecay, u, c } = this.#terms(x);
    const m = maskWeights('SelectiveSSM', opts.mask, Bn, S, x.dtype)?.unsqueeze(-1).unsqueeze(-1) ?? null;
    // Masked steps neither decay nor write.
    const hs = diagonalScan(m ? logDecay.mul(m) : logDecay, m ? u.mul(m) : u, h0, this.chunkSize); // [B, S, dIn, dModel]
    const y = hs.mul(c.unsqueeze(-2)).sum(-1).add(x.mul(this.D));
    return [y, hs.select(1, S - 1)];
  }

  forward(x: Tensor, opts: SSMOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One step: `x` `[B, dIn]`, state `[B, dIn, dModel]` (null: zeros) give `[y [B, dIn], state]`. */
  step(x: Tensor, state?: Tensor | null): [Tensor, Tensor] {
    checkSeq('SelectiveSSM.step', x, this.dIn, 2);
    const h0 = checkStateShape('SelectiveSSM.step', state, [x.shape[0], this.dIn, this.dModel]);
    const { logDecay, u, c } = this.#terms(x);
    const h = h0 ? logDecay.exp().mul(h0).add(u) : u;
    return [h.mul(c.unsqueeze(-2)).sum(-1).add(x.mul(this.D)), h];
  }

  override extraRepr(): string {
    return `d_model=${this.dModel}, d_in=${this.dIn}`;
  }
}
