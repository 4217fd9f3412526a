// nn.TransformerEncoderLayer and nn.TransformerDecoderLayer as PyTorch defines them (children
// `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`, `norm1..3`, `dropout1..3`), in
// post-LN (default) or pre-LN (`normFirst`) form, so PyTorch state dicts load as they are.
import { ValueError } from '../errors.js';
import { gelu, relu } from '../ops/activations.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { MultiheadAttention } from './attention.js';
import type { Rebuildable } from './clone.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module, type AnyModule } from './module.js';
import { LayerNorm } from './normalization.js';
import { pyBool } from './repr.js';

/** Options of the Transformer layers (PyTorch's names and defaults). */
export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block. Default 0.1. */
  dropout?: number;
  /** Feed-forward activation. Default 'relu'. */
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor);
  /** LayerNorm epsilon. Default 1e-5. */
  layerNormEps?: number;
  /** Inputs are `[N, S, E]` instead of `[S, N, E]`. Default false. */
  batchFirst?: boolean;
  /** Pre-LN (normalize before each block) instead of post-LN. Default false. */
  normFirst?: boolean;
  /** Biases in the linear layers and LayerNorms. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** Masks of the encoder layer, PyTorch's MultiheadAttention convention (bool true = ignore). */
export interface EncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
}

/** Masks of the decoder layer, PyTorch's MultiheadAttention convention (bool true = ignore). */
export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

function activationFn(a: TransformerLayerOptions['activation']): (x: Tensor) => Tensor {
  if (a === undefined || a === 'relu') return relu;
  if (a === 'gelu') return (x) => gelu(x);
  if (typeof a === 'function') return a;
  throw new ValueError(
    'Transformer',
    `expected activation to be relu/gelu or a function (activation should be relu/gelu, not ${String(a)}), got ${String(a)}`,
  );
}

// The parts both layers share: self-attention, feed-forward block and its dropouts.
abstract class TransformerLayerBase<In extends unknown[]> extends Module<In> implements Rebuildable {
  readonly dModel: number;
  readonly nhead: number;
  readonly opts: TransformerLayerOptions;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  protected readonly act: (x: Tensor) => Tensor;
  abstract self_attn: MultiheadAttention;
  abstract linear1: Linear;
  abstract dropout: Dropout;
  abstract linear2: Linear;
  abstract dropout1: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions) {
    super();
    this.dModel = dModel;
    this.nhead = nhead;
    this.opts = { ...opts };
    this.normFirst = opts.normFirst ?? false;
    this.batchFirst = opts.batchFirst ?? false;
    this.act = activationFn(opts.activation);
  }

  abstract rebuild(): AnyModule;

  protected static parts(dModel: number, nhead: number, o: TransformerLayerOptions) {
    const p = o.dropout ?? 0.1;
    const ff = o.dimFeedforward ?? 2048;
    const common = { bias: o.bias ?? true, dtype: o.dtype };
    const attn = () =>
      new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: o.batchFirst ?? false, ...common });
    const norm = () => new LayerNorm(dModel, { eps: o.layerNormEps ?? 1e-5, ...common });
    return { p, ff, common, attn, norm };
  }

  // self_attn(x, x, x)[0] then dropout1.
  protected saBlock(
    x: Tensor,
    mask: Tensor | null | undefined,
    kpm: Tensor | null | undefined,
    causal: boolean | undefined,
  ): Tensor {
    const [y] = this.self_attn.call(x, x, x, {
      attnMask: mask,
      keyPaddingMask: kpm,
      needWeights: false,
      isCausal: causal,
    });
    return this.dropout1.call(y);
  }

  // linear2(dropout(activation(linear1(x)))) then the last dropout.
  protected ffBlock(x: Tensor, last: Dropout): Tensor {
    return last.call(this.linear2.call(this.dropout.call(this.act(this.linear1.call(x)))));
  }

  override extraRepr(): string {
    return `d_model=${this.dModel}, nhead=${this.nhead}, norm_first=${pyBool(this.normFirst)}, batch_first=${pyBool(this.batchFirst)}`;
  }
}

/**
 * One Transformer encoder layer, as `torch.nn.TransformerEncoderLayer`: post-LN
 * `x = norm1(x + SA(x)); x = norm2(x + FF(x))`, or with `normFirst`
 * `x = x + SA(norm1(x)); x = x + FF(norm2(x))`, where FF = linear2(dropout(act(linear1(x)))).
 *
 * Shape: src `[S, N, E]` (`[N, S, E]` with batchFirst, `[S, E]` unbatched), output the same.
 * @see https://arxiv.org/abs/1706.03762
 * @example
 * const layer = new nn.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, batchFirst: true });
 * layer.call(nb.randn([8, 128, 128]));
 */
export class TransformerEncoderLayer extends TransformerLayerBase<[Tensor, EncoderLayerForwardOptions?]> {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    const { p, ff, common, attn, norm } = TransformerLayerBase.parts(dModel, nhead, opts);
    this.self_attn = attn();
    this.linear1 = new Linear(dModel, ff, common);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, common);
    this.norm1 = norm();
    this.norm2 = norm();
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
  }

  /** A fresh layer with the same configuration (used by TransformerEncoder to clone it). */
  rebuild(): TransformerEncoderLayer {
    return new TransformerEncoderLayer(this.dModel, this.nhead, this.opts);
  }

  forward(src: Tensor, o: EncoderLayerForwardOptions = {}): Tensor {
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.call(x), o.srcMask, o.srcKeyPaddingMask, o.srcIsCausal));
      return x.add(this.ffBlock(this.norm2.call(x), this.dropout2));
    }
    x = this.norm1.call(x.add(this.saBlock(x, o.srcMask, o.srcKeyPaddingMask, o.srcIsCausal)));
    return this.norm2.call(x.add(this.ffBlock(x, this.dropout2)));
  }
}

/**
 * One Transformer decoder layer, as `torch.nn.TransformerDecoderLayer`: self-attention over the
 * target, attention from the target to `memory` (the encoder output), then the feed-forward
 * block, each with residual and LayerNorm (post-LN, or pre-LN with `normFirst`).
 *
 * Shape: tgt `[T, N, E]`, memory `[S, N, E]` (batch first with batchFirst), output like tgt.
 * @example new nn.TransformerDecoderLayer(64, 4).call(tgt, memory, { tgtIsCausal: true })
 */
export class TransformerDecoderLayer extends TransformerLayerBase<[Tensor, Tensor, DecoderLayerForwardOptions?]> {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super(dModel, nhead, opts);
    const { p, ff, common, attn, norm } = TransformerLayerBase.parts(dModel, nhead, opts);
    this.self_attn = attn();
    this.multihead_attn = attn();
    this.linear1 = new Linear(dModel, ff, common);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, common);
    this.norm1 = norm();
    this.norm2 = norm();
    this.norm3 = norm();
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
  }

  /** A fresh layer with the same configuration (used by TransformerDecoder to clone it). */
  rebuild(): TransformerDecoderLayer {
    return new TransformerDecoderLayer(this.dModel, this.nhead, this.opts);
  }

  // multihead_attn(x, memory, memory)[0] then dropout2.
  #mhaBlock(x: Tensor, mem: Tensor, o: DecoderLayerForwardOptions): Tensor {
    const [y] = this.multihead_attn.call(x, mem, mem, {
      attnMask: o.memoryMask,
      keyPaddingMask: o.memoryKeyPaddingMask,
      isCausal: o.memoryIsCausal,
      needWeights: false,
    });
    return this.dropout2.call(y);
  }

  forward(tgt: Tensor, memory: Tensor, o: DecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.call(x), o.tgtMask, o.tgtKeyPaddingMask, o.tgtIsCausal));
      x = x.add(this.#mhaBlock(this.norm2.call(x), memory, o));
      return x.add(this.ffBlock(this.norm3.call(x), this.dropout3));
    }
    x = this.norm1.call(x.add(this.saBlock(x, o.tgtMask, o.tgtKeyPaddingMask, o.tgtIsCausal)));
    x = this.norm2.call(x.add(this.#mhaBlock(x, memory, o)));
    return this.norm3.call(x.add(this.ffBlock(x, this.dropout3)));
  }
}
