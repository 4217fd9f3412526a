// nbml's linear-attention family as multi-head modules: LinearAttention (Katharopoulos et al.,
// 2020), GatedLinearAttention (Yang et al., 2024), DeltaNet and GatedDeltaNet. Each keeps a
// matrix state per head, trains with the chunked scans of linearScan.ts (linear in the sequence
// length) and decodes one token at a time with `step`, which runs the plain recurrence.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { elu, logsigmoid, relu } from '../ops/activations.js';
import { cat } from '../ops/shape.js';
import { ones, zeros } from '../tensor/create.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { normalize } from './functional/normalization.js';
import { constant_, xavierNormal_, zeros_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { deltaScan, gatedScan } from './linearScan.js';
import { Module } from './module.js';

/** A feature map applied to queries and keys: nbml's identity, Katharopoulos' elu + 1, relu, or any function. */
export type FeatureMap = 'identity' | 'elu+1' | 'relu' | ((x: Tensor) => Tensor);

/** Options shared by the linear-attention modules. */
export interface LinearAttentionOptions {
  /** Number of heads, each of size dHead (nbml's modules are single-head: 1). Default 1. */
  numHeads?: number;
  /** Output size. Default dIn. */
  dOut?: number;
  /** Steps per chunk of the training scan (a power of two for the delta rules). Default 16. */
  chunkSize?: number;
  /** Biases of the projections. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** Options of LinearAttention and GatedLinearAttention. */
export interface FeatureMapOptions extends LinearAttentionOptions {
  /** Applied to q and k. Default 'identity' (nbml). */
  featureMap?: FeatureMap;
}

/** Forward options: a keep-mask `[B, S]` (true / 1 = real token); masked steps leave the state unchanged. */
export interface SequenceMaskOptions {
  mask?: Tensor | null;
}

/** `scan` options: a mask and the state to start from (default zeros). */
export interface ScanOptions extends SequenceMaskOptions {
  state?: Tensor | null;
}

/** Per-head projections `[B, H, S, *]`; g1, g2 are the variant's gates (see each class). */
interface Heads {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  g1: Tensor | null;
  g2: Tensor | null;
}

function xavierLinear(inF: number, outF: number, o: LinearAttentionOptions, bias = 0): Linear {
  const l = new Linear(inF, outF, { bias: o.bias ?? true, dtype: o.dtype });
  xavierNormal_(l.weight);
  if (l.bias) (bias === 0 ? zeros_(l.bias) : constant_(l.bias, bias));
  return l;
}

function featureFn(op: string, f: FeatureMap | undefined): (x: Tensor) => Tensor {
  if (f === undefined || f === 'identity') return (x) => x;
  if (f === 'elu+1') return (x) => elu(x).add(1);
  if (f === 'relu') return relu;
  if (typeof f === 'function') return f;
  throw new ValueError(op, `expected featureMap 'identity', 'elu+1', 'relu' or a function, got ${String(f)}`);
}

// [B, S, n * H * d] -> n tensors [B, H, S, d].
function splitHeads(t: Tensor, n: number, H: number, d: number): Tensor[] {
  const u = t.unflatten(-1, [n, H, d]);
  return Array.from({ length: n }, (_, i) => u.select(2, i).transpose(1, 2));
}

/**
 * The common machinery of the four variants: input checks, masking, the chunked `scan`, the
 * recurrent `step` and the output projection. Subclasses supply the projections (`heads`).
 */
export abstract class LinearAttentionBase extends Module<[Tensor, SequenceMaskOptions?]> {
  readonly dIn: number;
  readonly dHead: number;
  readonly numHeads: number;
  readonly dOut: number;
  readonly chunkSize: number;
  abstract qkv: Linear;
  abstract out: Linear;
  /** 'gated': outer-product decay plus k v^T write; 'delta': scalar decay plus delta-rule write. */
  protected abstract readonly family: 'gated' | 'delta';

  constructor(op: string, dIn: number, dHead: number, o: LinearAttentionOptions) {
    super();
    this.dIn = checkSize(op, 'dIn', dIn);
    this.dHead = checkSize(op, 'dHead', dHead);
    this.numHeads = checkSize(op, 'numHeads', o.numHeads ?? 1);
    this.dOut = checkSize(op, 'dOut', o.dOut ?? dIn);
    this.chunkSize = o.chunkSize ?? 16;
    if (dHead === 0 || this.numHeads === 0) {
      throw new ValueError(op, `expected dHead and numHeads >= 1, got ${dHead} and ${this.numHeads}`);
    }
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1 || (this.chunkSize & (this.chunkSize - 1)) !== 0) {
      throw new ValueError(op, `expected chunkSize to be a power of two, got ${this.chunkSize}`);
    }
  }

  /** Projections of `x` `[B, S, dIn]` into per-head q, k, v and gates. */
  protected abstract heads(x: Tensor): Heads;

  /** Columns of the state (dHead, plus the normalizer column of a normalized LinearAttention). */
  protected get stateCols(): number {
    return this.dHead;
  }

  /** Turns scanned values `[B, H, S, stateCols]` into per-head outputs `[B, H, S, dHead]`. */
  protected finish(o: Tensor): Tensor {
    return o;
  }

  /** A zero state `[B, numHeads, dHead, dV]` for `batch` sequences. */
  initialState(batch: number, opts: { dtype?: DType } = {}): Tensor {
    return zeros([batch, this.numHeads, this.dHead, this.stateCols], { dtype: opts.dtype ?? this.qkv.weight.dtype });
  }

  /**
   * The forward pass that also returns the final state, so decoding can continue with `step`:
   * `[y [B, S, dOut], state [B, H, dHead, dV]]`.
   */
  scan(x: Tensor, opts: ScanOptions = {}): [Tensor, Tensor] {
    const op = this.constructor.name;
    this.#checkInput(op, x, 3);
    const h = this.#masked(op, this.heads(x), opts.mask, x.shape.slice(0, 2));
    const state = this.#checkState(op, opts.state, x.shape[0]);
    const r =
      this.family === 'gated'
        ? gatedScan({ q: h.q, k: h.k, v: h.v, logA: h.g1, logB: h.g2, state, chunkSize: this.chunkSize })
        : deltaScan({ q: h.q, k: h.k, v: h.v, beta: h.g1!, logAlpha: h.g2, state, chunkSize: this.chunkSize });
    return [this.#output(r.out), r.state];
  }

  forward(x: Tensor, opts: SequenceMaskOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /**
   * One recurrent step: `x` `[B, dIn]` and the state (null: zeros) give `[y [B, dOut], state]`.
   * Stepping through a sequence gives the same outputs as `forward` on the whole.
   */
  step(x: Tensor, state?: Tensor | null, opts: { mask?: Tensor | null } = {}): [Tensor, Tensor] {
    const op = `${this.constructor.name}.step`;
    this.#checkInput(op, x, 2);
    const mask = opts.mask ? opts.mask.unsqueeze(1) : null;
    const h = this.#masked(op, this.heads(x.unsqueeze(1)), mask, [x.shape[0], 1]);
    const [q, k, v] = [h.q, h.k, h.v].map((t) => t.select(2, 0));
    const g1 = h.g1 ? h.g1.select(2, 0) : null;
    const g2 = h.g2 ? h.g2.select(2, 0) : null;
    let s = this.#checkState(op, state, x.shape[0]) ?? this.initialState(x.shape[0], { dtype: v.dtype });
    if (this.family === 'gated') {
      if (g1) s = s.mul(g1.exp().unsqueeze(-1));
      if (g2) s = s.mul(g2.exp().unsqueeze(-2));
      s = s.add(k.unsqueeze(-1).mul(v.unsqueeze(-2)));
    } else {
      const r = k.unsqueeze(-2).matmul(s).squeeze(-2); // S^T k: what the state recalls for k
      const write = k.unsqueeze(-1).mul(v.sub(r).unsqueeze(-2)).mul(g1!.unsqueeze(-1).unsqueeze(-1));
      s = (g2 ? s.mul(g2.exp().unsqueeze(-1).unsqueeze(-1)) : s).add(write);
    }
    const o = q.unsqueeze(-2).matmul(s); // [B, H, 1, dV]
    return [this.#output(o).squeeze(1), s];
  }

  #output(o: Tensor): Tensor {
    return this.out.call(this.finish(o).transpose(1, 2).flatten(2));
  }

  // Masked steps write nothing and (log-gates zeroed) do not decay the state.
  #masked(op: string, h: Heads, mask: Tensor | null | undefined, bs: number[]): Heads {
    if (!mask) return h;
    if (!(mask instanceof Tensor) || mask.ndim !== 2 || mask.shape[0] !== bs[0] || mask.shape[1] !== bs[1]) {
      const got = mask instanceof Tensor ? fmtShape(mask.shape) : String(mask);
      throw new ShapeError(op, `expected a keep-mask of shape ${fmtShape(bs)}, got ${got}`);
    }
    const m = mask.ne(0).to(h.v.dtype).unsqueeze(1); // [B, 1, S]
    const m4 = m.unsqueeze(-1);
    const g = (t: Tensor | null) => (t ? t.mul(t.ndim === 4 ? m4 : m) : null);
    return { q: h.q, k: this.family === 'gated' ? h.k.mul(m4) : h.k, v: h.v, g1: g(h.g1), g2: g(h.g2) };
  }

  #checkInput(op: string, x: Tensor, ndim: number): void {
    if (!(x instanceof Tensor)) throw new DTypeError(op, `expected input to be a Tensor, got ${typeof x}`);
    if (!isFloat(x.dtype)) throw new DTypeError(op, `expected a floating point input, got ${x.dtype}`);
    if (x.ndim !== ndim || x.shape[ndim - 1] !== this.dIn) {
      const want = ndim === 3 ? `[B, S, ${this.dIn}]` : `[B, ${this.dIn}]`;
      throw new ShapeError(op, `expected input of shape ${want}, got ${fmtShape(x.shape)}`, [x.shape]);
    }
  }

  #checkState(op: string, s: Tensor | null | undefined, batch: number): Tensor | null {
    if (s === null || s === undefined) return null;
    const want = [batch, this.numHeads, this.dHead, this.stateCols];
    if (!(s instanceof Tensor) || s.ndim !== 4 || s.shape.some((d, i) => d !== want[i])) {
      const got = s instanceof Tensor ? fmtShape(s.shape) : String(s);
      throw new ShapeError(op, `expected a state of shape ${fmtShape(want)}, got ${got}`);
    }
    return s;
  }

  override extraRepr(): string {
    return `d_in=${this.dIn}, d_head=${this.dHead}, num_heads=${this.numHeads}, d_out=${this.dOut}`;
  }
}

/**
 * Causal linear attention without softmax (nbml; Katharopoulos et al., 2020): per head
 * `S_t = S_{t-1} + phi(k_t) v_t^T`, `o_t = S_t^T phi(q_t)`, `y = concat_h(o) W_o^T + b_o`, with
 * `[q, k, v] = x W_qkv^T + b`. nbml uses no feature map (phi = identity) and no normalizer; pass
 * `featureMap: 'elu+1', normalize: true` for Katharopoulos' form `o_t = S_t^T phi(q_t) /
 * (phi(q_t) . z_t)`, `z_t = sum phi(k)` (kept as an extra state column).
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`; state `[B, numHeads, dHead, dHead (+1)]`.
 * @see https://arxiv.org/abs/2006.16236
 * @example
 * const la = new nn.LinearAttention(32, 8, { numHeads: 4 });
 * const y = la.call(nb.randn([2, 10, 32])); // [2, 10, 32]
 */
export class LinearAttention extends LinearAttentionBase {
  protected readonly family = 'gated';
  readonly normalize: boolean;
  readonly eps: number;
  qkv: Linear;
  out: Linear;
  #phi: (x: Tensor) => Tensor;

  constructor(dIn: number, dHead: number, opts: FeatureMapOptions & { normalize?: boolean; eps?: number } = {}) {
    super('LinearAttention', dIn, dHead, opts);
    this.#phi = featureFn('LinearAttention', opts.featureMap);
    this.normalize = opts.normalize ?? false;
    this.eps = opts.eps ?? 1e-6;
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected override get stateCols(): number {
    return this.dHead + (this.normalize ? 1 : 0);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    const vv = this.normalize ? cat([v, ones([...v.shape.slice(0, -1), 1], { dtype: v.dtype })], -1) : v;
    return { q: this.#phi(q), k: this.#phi(k), v: vv, g1: null, g2: null };
  }

  protected override finish(o: Tensor): Tensor {
    if (!this.normalize) return o;
    return o.narrow(-1, 0, this.dHead).div(o.narrow(-1, this.dHead, 1).add(this.eps));
  }
}

/**
 * Gated linear attention (nbml; Yang et al., 2024): per head `[alpha, beta] = sigmoid(x W_f^T +
 * b_f)` (dHead each), `S_t = (alpha_t beta_t^T) * S_{t-1} + k_t v_t^T`, `o_t = S_t^T q_t`. The
 * forget bias starts at 4 (sigmoid 0.98: slow forgetting), as in nbml.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`; state `[B, numHeads, dHead, dHead]`.
 * @see https://arxiv.org/abs/2312.06635
 * @example new nn.GatedLinearAttention(16, 8, { numHeads: 2 }).call(nb.randn([4, 12, 16]))
 */
export class GatedLinearAttention extends LinearAttentionBase {
  protected readonly family = 'gated';
  qkv: Linear;
  forget: Linear;
  out: Linear;
  #phi: (x: Tensor) => Tensor;

  constructor(dIn: number, dHead: number, opts: FeatureMapOptions = {}) {
    super('GatedLinearAttention', dIn, dHead, opts);
    this.#phi = featureFn('GatedLinearAttention', opts.featureMap);
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.forget = xavierLinear(dIn, 2 * this.numHeads * dHead, opts, 4);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    const [la, lb] = splitHeads(logsigmoid(this.forget.call(x)), 2, this.numHeads, this.dHead);
    return { q: this.#phi(q), k: this.#phi(k), v, g1: la, g2: lb };
  }
}

// q and k of the delta rules are unit vectors: x / max(||x||, 1e-6), nbml's L2 norm.
const unit = (t: Tensor) => normalize(t, { dim: -1, eps: 1e-6 });

/**
 * DeltaNet (nbml; Schlag et al., 2021; Yang et al., 2024): q and k L2-normalized,
 * `beta_t = sigmoid(x_t w_beta + b_beta)` per head, `S_t = S_{t-1} + beta_t k_t (v_t -
 * S_{t-1}^T k_t)^T` (write the error of what the state recalls for k), `o_t = S_t^T q_t`.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]`; state `[B, numHeads, dHead, dHead]`.
 * @see https://arxiv.org/abs/2406.06484
 * @example new nn.DeltaNet(16, 8).call(nb.randn([2, 5, 16]))
 */
export class DeltaNet extends LinearAttentionBase {
  protected readonly family = 'delta';
  qkv: Linear;
  beta: Linear;
  out: Linear;

  constructor(dIn: number, dHead: number, opts: LinearAttentionOptions = {}) {
    super('DeltaNet', dIn, dHead, opts);
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.beta = xavierLinear(dIn, this.numHeads, opts);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    return { q: unit(q), k: unit(k), v, g1: this.beta.call(x).sigmoid().transpose(1, 2), g2: null };
  }
}

/**
 * Gated DeltaNet as nbml computes it: q, k L2-normalized, `[alpha_t, beta_t] = sigmoid(x_t W_ab +
 * b_ab)` (scalars per head), `S_t = alpha_t S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T`,
 * `o_t = S_t^T q_t`. (The paper decays the recalled value too, `alpha_t (I - beta_t k_t k_t^T)
 * S_{t-1}`; nbml's error term reads the undecayed state, and so does this module.)
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dOut]` (nbml's third constructor argument is `dOut`);
 * state `[B, numHeads, dHead, dHead]`.
 * @see https://arxiv.org/abs/2412.06464
 * @example new nn.GatedDeltaNet(16, 8, { dOut: 4 }).call(nb.randn([2, 5, 16])) // [2, 5, 4]
 */
export class GatedDeltaNet extends LinearAttentionBase {
  protected readonly family = 'delta';
  qkv: Linear;
  ab: Linear;
  out: Linear;

  constructor(dIn: number, dHead: number, opts: LinearAttentionOptions = {}) {
    super('GatedDeltaNet', dIn, dHead, opts);
    this.qkv = xavierLinear(dIn, 3 * this.numHeads * dHead, opts);
    this.ab = xavierLinear(dIn, 2 * this.numHeads, opts);
    this.out = xavierLinear(this.numHeads * dHead, this.dOut, opts);
  }

  protected heads(x: Tensor): Heads {
    const [q, k, v] = splitHeads(this.qkv.call(x), 3, this.numHeads, this.dHead);
    const ab = this.ab.call(x).unflatten(-1, [2, this.numHeads]); // [B, S, 2, H]
    const logAlpha = logsigmoid(ab.select(2, 0)).transpose(1, 2);
    const beta = ab.select(2, 1).sigmoid().transpose(1, 2);
    return { q: unit(q), k: unit(k), v, g1: beta, g2: logAlpha };
  }
}
