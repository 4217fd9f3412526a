// The shared machinery of the linear-attention modules (linearAttention.ts): options, input and
// state checks, masking, the chunked `scan`, the recurrent `step` and the output projection.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { elu, relu } from '../ops/activations.js';
import { zeros } from '../tensor/create.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { constant_, xavierNormal_ } from './init.js';
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
  /**
   * Steps per chunk of the training scan, a power of two. Default 16 (8 for
   * GatedLinearAttention, whose per-chunk decay tensors grow as chunk^2 * dHead).
   */
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
export interface Heads {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  g1: Tensor | null;
  g2: Tensor | null;
}

/** A Linear layer with xavier-normal weights and a constant bias (nbml's projections). */
export function xavierLinear(inF: number, outF: number, o: LinearAttentionOptions, bias = 0): Linear {
  const l = new Linear(inF, outF, { bias: o.bias ?? true, dtype: o.dtype });
  xavierNormal_(l.weight);
  if (l.bias) constant_(l.bias, bias);
  return l;
}

/** The function of a `FeatureMap` option, checked. */
export function featureFn(op: string, f: FeatureMap | undefined): (x: Tensor) => Tensor {
  if (f === undefined || f === 'identity') return (x) => x;
  if (f === 'elu+1') return (x) => elu(x).add(1);
  if (f === 'relu') return relu;
  if (typeof f === 'function') return f;
  throw new ValueError(op, `expected featureMap 'identity', 'elu+1', 'relu' or a function, got ${String(f)}`);
}

/** Splits `[B, S, n * H * d]` into n tensors `[B, H, S, d]`. */
export function splitHeads(t: Tensor, n: number, H: number, d: number): Tensor[] {
  const u = t.unflatten(-1, [n, H, d]);
  return Array.from({ length: n }, (_, i) => u.select(2, i).transpose(1, 2));
}

/**
 * The common machinery of the four variants: input checks, masking, the chunked `scan`, the
 * recurrent `step` and the output projection. Subclasses supply the projections (`heads`).
 * @example
 * const m: nn.LinearAttentionBase = new nn.DeltaNet(16, 8);
 * let [y, state] = m.scan(prompt);                 // prompt [B, S, 16]
 * [y, state] = m.step(nextInput, state);           // nextInput [B, 16]
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

  constructor(op: string, dIn: number, dHead: number, o: LinearAttentionOptions, defaultChunk = 16) {
    super();
    this.dIn = checkSize(op, 'dIn', dIn);
    this.dHead = checkSize(op, 'dHead', dHead);
    this.numHeads = checkSize(op, 'numHeads', o.numHeads ?? 1);
    this.dOut = checkSize(op, 'dOut', o.dOut ?? dIn);
    this.chunkSize = o.chunkSize ?? defaultChunk;
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
