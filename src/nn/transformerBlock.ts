// nbml's Transformer block: pre-LN self-attention and position-wise feed-forward (hidden 4 x dIn,
// ReLU), in encoder (bidirectional) or decoder (causal) mode, with (B, S) padding keep-masks and
// KV-cached decoding.
import { ValueError } from '../errors.js';
import { relu } from '../ops/activations.js';
import { cat } from '../ops/shape.js';
import { ones } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { xavierNormal_, zeros_ } from './init.js';
import { Linear } from './linear.js';
import { padAttentionMask } from './masks.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import { SelfAttention, type KVCache } from './selfAttention.js';

/** Options of `TransformerBlock`. */
export interface TransformerBlockOptions {
  /** Decoder mode: causal self-attention. Default false (encoder). */
  causal?: boolean;
  /** Feed-forward hidden size. Default 4 * dIn (nbml). */
  dFF?: number;
  /** Dropout on attention weights in train mode. Default 0. */
  dropout?: number;
  /** Rotary position embedding on queries and keys (nabla's addition). Default false. */
  rotary?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * nbml's pre-LN Transformer block: `x = x + SA(LN1(x)); x = x + FFN(LN2(x))` with
 * FFN(x) = W2 relu(W1 x + b1) + b2. The attention keep-mask is the padding mask `[B, S]`
 * (true / 1 = real token) broadcast over queries, and-ed with the causal mask in decoder mode.
 * `forwardCached` (decoder only) feeds a sequence piece by piece and gives the same outputs as
 * `forward` on the whole.
 *
 * Shape: x `[B, S, dIn]`, pad `[B, S]`, output `[B, S, dIn]`.
 * @example
 * const block = nn.TransformerBlock.decoder(32, 8, 4);
 * block.call(x, { pad: nn.paddingMask([5, 3]) });
 */
export class TransformerBlock extends Module<[Tensor, { pad?: Tensor | null }?]> {
  readonly causal: boolean;
  ln1: LayerNorm;
  attn: SelfAttention;
  ln2: LayerNorm;
  ff1: Linear;
  ff2: Linear;

  constructor(dIn: number, dHead: number, nHead: number, opts: TransformerBlockOptions = {}) {
    super();
    this.causal = opts.causal ?? false;
    const dtype = opts.dtype;
    const dFF = opts.dFF ?? 4 * dIn;
    this.ln1 = new LayerNorm(dIn, { dtype });
    this.attn = new SelfAttention(dIn, dHead, nHead, { dropout: opts.dropout, rotary: opts.rotary, dtype });
    this.ln2 = new LayerNorm(dIn, { dtype });
    this.ff1 = new Linear(dIn, dFF, { dtype });
    this.ff2 = new Linear(dFF, dIn, { dtype });
    for (const l of [this.ff1, this.ff2]) {
      xavierNormal_(l.weight);
      zeros_(l.bias!);
    }
  }

  /** nbml's `Transformer::new_encoder`: bidirectional attention. */
  static encoder(
    dIn: number,
    dHead: number,
    nHead: number,
    opts: Omit<TransformerBlockOptions, 'causal'> = {},
  ): TransformerBlock {
    return new TransformerBlock(dIn, dHead, nHead, { ...opts, causal: false });
  }

  /** nbml's `Transformer::new_decoder`: causal attention, KV-cached decoding. */
  static decoder(
    dIn: number,
    dHead: number,
    nHead: number,
    opts: Omit<TransformerBlockOptions, 'causal'> = {},
  ): TransformerBlock {
    return new TransformerBlock(dIn, dHead, nHead, { ...opts, causal: true });
  }

  #ffn(x: Tensor): Tensor {
    return x.add(this.ff2.call(relu(this.ff1.call(this.ln2.call(x)))));
  }

  forward(x: Tensor, opts: { pad?: Tensor | null } = {}): Tensor {
    const h = this.ln1.call(x);
    const a = opts.pad
      ? this.attn.call(h, { mask: padAttentionMask(opts.pad, { causal: this.causal }) })
      : this.attn.call(h, { isCausal: this.causal });
    return this.#ffn(x.add(a));
  }

  /**
   * Decodes new positions `x` `[B, S, dIn]` after those in `cache` (decoder mode only); `pad`
   * `[B, S]` marks which new positions are real tokens (default all).
   */
  forwardCached(x: Tensor, cache: KVCache, opts: { pad?: Tensor | null } = {}): Tensor {
    if (!this.causal) {
      throw new ValueError('TransformerBlock', 'expected a decoder block for cached decoding, got an encoder block');
    }
    const [B, S] = x.shape;
    const pad = opts.pad ? (opts.pad.dtype === 'bool' ? opts.pad : opts.pad.ne(0)) : ones([B, S], { dtype: 'bool' });
    cache.pad = cache.pad ? cat([cache.pad, pad], 1) : pad;
    const keys = cache.pad.unsqueeze(1); // [B, 1, T]: every new query may see every real key so far
    return this.#ffn(x.add(this.attn.forwardCached(this.ln1.call(x), cache, { mask: keys })));
  }
}
