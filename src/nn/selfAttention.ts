// nbml's SelfAttention and CrossAttention: multi-head attention with a fused projection (W_qkv,
// or W_q and a fused W_kv), keep-masks (true = attend), and a KV cache for incremental
// decoding. Weights are xavier-normal and biases zero, as in nbml.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { cat } from '../ops/shape.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { attention } from './functional/attention.js';
import { checkDropoutP } from './functional/dropout.js';
import { xavierNormal_, zeros_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module } from './module.js';
import { RotaryEmbedding } from './positional.js';

/** Options of SelfAttention and CrossAttention. */
export interface AttentionLayerOptions {
  /** Biases of the projections. Default true. */
  bias?: boolean;
  /** Dropout on attention weights in train mode. Default 0. */
  dropout?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** Forward options: a keep-mask broadcastable to `[B, Sq, Sk]` (bool true = attend, float = added). */
export interface AttentionMaskOptions {
  mask?: Tensor | null;
  /** Hide later keys (j > i). Default false. */
  isCausal?: boolean;
}

/**
 * Keys and values seen so far, `[B, nHead, T, dHead]`, plus (for TransformerBlock) the keep
 * flags of those positions `[B, T]`. Start empty; each cached forward appends to it.
 * @example const cache = new nn.KVCache(); for (const tok of steps) y = attn.forwardCached(tok, cache);
 */
export class KVCache {
  k: Tensor | null = null;
  v: Tensor | null = null;
  pad: Tensor | null = null;

  /** Number of cached positions. */
  get length(): number {
    return this.k === null ? 0 : this.k.shape[2];
  }

  /** Forgets everything (a new sequence). */
  reset(): void {
    this.k = this.v = this.pad = null;
  }
}

function linearXavier(inF: number, outF: number, o: AttentionLayerOptions): Linear {
  const l = new Linear(inF, outF, { bias: o.bias ?? true, dtype: o.dtype });
  xavierNormal_(l.weight);
  if (l.bias) zeros_(l.bias);
  return l;
}

function check3d(op: string, x: Tensor, d: number, what: string): void {
  if (x.ndim !== 3 || x.shape[2] !== d) {
    throw new ShapeError(op, `expected ${what} of shape [B, S, ${d}], got ${fmtShape(x.shape)}`, [x.shape]);
  }
}

// [B, S, n * dHead] -> [B, n, S, dHead] and back.
const split = (t: Tensor, n: number, dHead: number) => t.unflatten(-1, [n, dHead]).transpose(1, 2);
const merge = (t: Tensor) => t.transpose(1, 2).flatten(2);
// A keep-mask [B, Sq, Sk] (or [Sq, Sk]) gains the head dim.
const perHead = (m: Tensor | null | undefined) => (m ? (m.ndim === 3 ? m.unsqueeze(1) : m) : null);

abstract class AttentionLayer<In extends unknown[]> extends Module<In> {
  readonly dIn: number;
  readonly dHead: number;
  readonly nHead: number;
  readonly dropout: number;

  constructor(op: string, dIn: number, dHead: number, nHead: number, o: AttentionLayerOptions) {
    super();
    this.dIn = checkSize(op, 'dIn', dIn);
    this.dHead = checkSize(op, 'dHead', dHead);
    this.nHead = checkSize(op, 'nHead', nHead);
    if (nHead === 0 || dHead === 0)
      throw new ValueError(op, `expected dHead and nHead >= 1, got ${dHead} and ${nHead}`);
    this.dropout = checkDropoutP(op, o.dropout ?? 0);
  }

  protected attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causalOffset: number | null): Tensor {
    const p = this.training ? this.dropout : 0;
    return merge(attention(this.constructor.name, q, k, v, { mask, causalOffset, dropoutP: p }));
  }

  override extraRepr(): string {
    return `d_in=${this.dIn}, d_head=${this.dHead}, n_head=${this.nHead}`;
  }
}

/**
 * nbml's multi-head self-attention: `[q, k, v] = x W_qkv^T + b` (one fused projection), heads
 * of size dHead, `y = concat_h(softmax(q_h k_h^T / sqrt(dHead) + M) v_h) W_o^T + b_o` with M
 * from a keep-mask. With `rotary`, q and k are rotated by their positions (RoPE, nabla's
 * addition; nbml has none). `forwardCached` decodes incrementally against a KVCache.
 *
 * Shape: x `[B, S, dIn]`, output `[B, S, dIn]`; mask `[B, S, S]` or `[S, S]`.
 * @example
 * const sa = new nn.SelfAttention(32, 8, 4, { rotary: true });
 * sa.call(x, { isCausal: true }); // x [B, S, 32]
 */
export class SelfAttention extends AttentionLayer<[Tensor, AttentionMaskOptions?]> {
  qkv: Linear;
  out: Linear;
  rope: RotaryEmbedding | null;

  constructor(dIn: number, dHead: number, nHead: number, opts: AttentionLayerOptions & { rotary?: boolean } = {}) {
    super('SelfAttention', dIn, dHead, nHead, opts);
    this.qkv = linearXavier(dIn, 3 * nHead * dHead, opts);
    this.out = linearXavier(nHead * dHead, dIn, opts);
    this.rope = opts.rotary ? new RotaryEmbedding(dHead) : null;
  }

  // q, k, v `[B, nHead, S, dHead]` of positions offset, offset + 1, ...
  #qkv(x: Tensor, offset: number): Tensor[] {
    check3d(this.constructor.name, x, this.dIn, 'x');
    const [q, k, v] = this.qkv
      .call(x)
      .chunk(3, -1)
      .map((t) => split(t, this.nHead, this.dHead));
    return this.rope ? [...this.rope.call(q, k, offset), v] : [q, k, v];
  }

  forward(x: Tensor, opts: AttentionMaskOptions = {}): Tensor {
    const [q, k, v] = this.#qkv(x, 0);
    return this.out.call(this.attend(q, k, v, perHead(opts.mask), opts.isCausal ? 0 : null));
  }

  /**
   * Runs new positions `x` `[B, S, dIn]` after those in `cache` (appending their keys and
   * values): each new query sees every cached key and the new keys up to itself, so feeding a
   * sequence in pieces gives the causal forward of the whole. `mask` (keep-mask over all keys so
   * far, `[B, S, T]`) can hide padded positions.
   */
  forwardCached(x: Tensor, cache: KVCache, opts: { mask?: Tensor | null } = {}): Tensor {
    const past = cache.length;
    const [q, k, v] = this.#qkv(x, past);
    cache.k = cache.k ? cat([cache.k, k], 2) : k;
    cache.v = cache.v ? cat([cache.v, v], 2) : v;
    return this.out.call(this.attend(q, cache.k, cache.v, perHead(opts.mask), past));
  }
}

/**
 * nbml's multi-head cross-attention: queries from `xq` (`W_q`), keys and values from `xkv`
 * (fused `W_kv`), `y = concat_h(softmax(q_h k_h^T / sqrt(dHead) + M) v_h) W_o^T + b_o`.
 * `forwardCached` projects the memory once and reuses it.
 *
 * Shape: xq `[B, Sq, dIn]`, xkv `[B, Sk, dKv]` (dKv = dIn unless given), output `[B, Sq, dIn]`.
 * @example new nn.CrossAttention(32, 8, 4).call(decoderStates, encoderOut)
 */
export class CrossAttention extends AttentionLayer<[Tensor, Tensor, AttentionMaskOptions?]> {
  readonly dKv: number;
  q: Linear;
  kv: Linear;
  out: Linear;

  constructor(dIn: number, dHead: number, nHead: number, opts: AttentionLayerOptions & { dKv?: number } = {}) {
    super('CrossAttention', dIn, dHead, nHead, opts);
    this.dKv = checkSize('CrossAttention', 'dKv', opts.dKv ?? dIn);
    this.q = linearXavier(dIn, nHead * dHead, opts);
    this.kv = linearXavier(this.dKv, 2 * nHead * dHead, opts);
    this.out = linearXavier(nHead * dHead, dIn, opts);
  }

  #q(xq: Tensor): Tensor {
    check3d(this.constructor.name, xq, this.dIn, 'xq');
    return split(this.q.call(xq), this.nHead, this.dHead);
  }

  #kv(xkv: Tensor): Tensor[] {
    check3d(this.constructor.name, xkv, this.dKv, 'xkv');
    return this.kv
      .call(xkv)
      .chunk(2, -1)
      .map((t) => split(t, this.nHead, this.dHead));
  }

  forward(xq: Tensor, xkv: Tensor, opts: AttentionMaskOptions = {}): Tensor {
    const [k, v] = this.#kv(xkv);
    return this.out.call(this.attend(this.#q(xq), k, v, perHead(opts.mask), opts.isCausal ? 0 : null));
  }

  /** Attends from `xq` to the memory in `cache`, projecting `xkv` into it on the first call. */
  forwardCached(xq: Tensor, xkv: Tensor | null, cache: KVCache, opts: { mask?: Tensor | null } = {}): Tensor {
    if (cache.k === null) {
      if (xkv === null) throw new ValueError('CrossAttention', 'expected xkv on the first cached call, got null');
      [cache.k, cache.v] = this.#kv(xkv);
    }
    return this.out.call(this.attend(this.#q(xq), cache.k, cache.v!, perHead(opts.mask), null));
  }
}
