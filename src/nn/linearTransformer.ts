// nbml's LinearTransformerBase<A>: the pre-LN block of TransformerBlock with a linear-attention
// mixer in place of softmax attention, so it trains in linear time and decodes with a constant-size
// state. Aliases LinearTransformer, GlaTransformer, DeltaNetTransformer, GatedDeltaNetTransformer.
import { relu } from '../ops/activations.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { xavierNormal_, zeros_ } from './init.js';
import { Linear } from './linear.js';
import {
  DeltaNet,
  GatedDeltaNet,
  GatedLinearAttention,
  LinearAttention,
  type FeatureMapOptions,
  type LinearAttentionBase,
  type LinearAttentionOptions,
  type ScanOptions,
  type SequenceMaskOptions,
} from './linearAttention.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';

/** Options of the linear transformer blocks. */
export interface LinearTransformerOptions {
  /** Heads of the mixer (nbml's blocks take nHead). Default 1. */
  numHeads?: number;
  /** Feed-forward hidden size. Default 4 * dIn (nbml). */
  dFF?: number;
  /** Steps per chunk of the mixer's training scan. Default 16. */
  chunkSize?: number;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * A pre-LN block around any linear-attention mixer: `x = x + Mixer(LN1(x)); x = x +
 * FFN(LN2(x))` with FFN(x) = W2 relu(W1 x + b1) + b2 (hidden 4 * dIn, xavier-normal weights).
 * The mixer maps dIn to dIn, so the residuals always line up. `step` decodes one position with
 * the mixer's recurrent state.
 *
 * Shape: x `[B, S, dIn]`, mask `[B, S]` (keep-mask), output `[B, S, dIn]`.
 * @example
 * const block = new nn.LinearTransformerBase(32, new nn.GatedLinearAttention(32, 8, { numHeads: 4 }));
 * const y = block.call(x, { mask }); // x [B, S, 32]
 */
export class LinearTransformerBase<M extends LinearAttentionBase = LinearAttentionBase> extends Module<
  [Tensor, SequenceMaskOptions?]
> {
  ln1: LayerNorm;
  attn: M;
  ln2: LayerNorm;
  ff1: Linear;
  ff2: Linear;

  constructor(dIn: number, attn: M, opts: LinearTransformerOptions = {}) {
    super();
    const dtype = opts.dtype;
    const dFF = opts.dFF ?? 4 * dIn;
    this.ln1 = new LayerNorm(dIn, { dtype });
    this.attn = attn;
    this.ln2 = new LayerNorm(dIn, { dtype });
    this.ff1 = new Linear(dIn, dFF, { dtype });
    this.ff2 = new Linear(dFF, dIn, { dtype });
    for (const l of [this.ff1, this.ff2]) {
      xavierNormal_(l.weight);
      zeros_(l.bias!);
    }
  }

  #ffn(x: Tensor): Tensor {
    return x.add(this.ff2.call(relu(this.ff1.call(this.ln2.call(x)))));
  }

  /** The forward pass plus the mixer's final state (see `LinearAttentionBase.scan`). */
  scan(x: Tensor, opts: ScanOptions = {}): [Tensor, Tensor] {
    const [a, state] = this.attn.scan(this.ln1.call(x), opts);
    return [this.#ffn(x.add(a)), state];
  }

  forward(x: Tensor, opts: SequenceMaskOptions = {}): Tensor {
    return this.scan(x, opts)[0];
  }

  /** One position `x` `[B, dIn]` after `state` (null: the start): `[y [B, dIn], state]`. */
  step(x: Tensor, state?: Tensor | null, opts: { mask?: Tensor | null } = {}): [Tensor, Tensor] {
    const [a, s] = this.attn.step(this.ln1.call(x), state, opts);
    return [this.#ffn(x.add(a)), s];
  }

  /** A zero mixer state for `batch` sequences. */
  initialState(batch: number, opts: { dtype?: DType } = {}): Tensor {
    return this.attn.initialState(batch, opts);
  }
}

function mixerOpts(opts: LinearTransformerOptions): LinearAttentionOptions {
  return { numHeads: opts.numHeads, chunkSize: opts.chunkSize, dtype: opts.dtype };
}

/**
 * nbml's LinearTransformer: the pre-LN block with `LinearAttention` (dIn -> dIn).
 * @example new nn.LinearTransformer(16, 8, { numHeads: 2 }).call(nb.randn([2, 10, 16]))
 */
export class LinearTransformer extends LinearTransformerBase<LinearAttention> {
  constructor(dIn: number, dHead: number, opts: LinearTransformerOptions & Pick<FeatureMapOptions, 'featureMap'> = {}) {
    super(dIn, new LinearAttention(dIn, dHead, { ...mixerOpts(opts), featureMap: opts.featureMap }), opts);
  }
}

/**
 * nbml's GlaTransformer: the pre-LN block with `GatedLinearAttention`.
 * @example new nn.GlaTransformer(16, 8, { numHeads: 2 }).call(nb.randn([1, 10, 16]))
 */
export class GlaTransformer extends LinearTransformerBase<GatedLinearAttention> {
  constructor(dIn: number, dHead: number, opts: LinearTransformerOptions & Pick<FeatureMapOptions, 'featureMap'> = {}) {
    super(dIn, new GatedLinearAttention(dIn, dHead, { ...mixerOpts(opts), featureMap: opts.featureMap }), opts);
  }
}

/**
 * nbml's DeltaNetTransformer: the pre-LN block with `DeltaNet`.
 * @example new nn.DeltaNetTransformer(16, 8).call(nb.randn([1, 10, 16]))
 */
export class DeltaNetTransformer extends LinearTransformerBase<DeltaNet> {
  constructor(dIn: number, dHead: number, opts: LinearTransformerOptions = {}) {
    super(dIn, new DeltaNet(dIn, dHead, mixerOpts(opts)), opts);
  }
}

/**
 * nbml's GdnTransformer: the pre-LN block with `GatedDeltaNet`. nbml builds the mixer with
 * dOut = dHead, which breaks the residual unless dHead = dIn; here dOut = dIn always.
 * @example new nn.GatedDeltaNetTransformer(16, 4, { numHeads: 4 }).call(nb.randn([1, 10, 16]))
 */
export class GatedDeltaNetTransformer extends LinearTransformerBase<GatedDeltaNet> {
  constructor(dIn: number, dHead: number, opts: LinearTransformerOptions = {}) {
    super(dIn, new GatedDeltaNet(dIn, dHead, { ...mixerOpts(opts), dOut: dIn }), opts);
  }
}
