// nn.TransformerEncoder, nn.TransformerDecoder and nn.Transformer: stacks of independent copies
// of one layer (children `layers.0`, `layers.1`, ... and an optional final `norm`), and the full
// encoder-decoder model with PyTorch's xavier-uniform re-initialization.
import { ShapeError, fmtShape } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { cloneModule, type ModuleSource } from './clone.js';
import { xavierUniform_ } from './init.js';
import { checkSize } from './linear.js';
import { generateSquareSubsequentMask } from './masks.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import {
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type DecoderLayerForwardOptions,
  type TransformerLayerOptions,
} from './transformer.js';

/** Forward options of TransformerEncoder (PyTorch's `mask`, `src_key_padding_mask`, `is_causal`). */
export interface EncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (each with its own parameters, equal at the
 * start, as PyTorch's deep copies), then an optional `norm`. `encoderLayer` may also be a
 * factory `() => layer`.
 *
 * Shape: like the layer's input.
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4), 2, { norm: new nn.LayerNorm(64) });
 */
export class TransformerEncoder extends Module<[Tensor, EncoderForwardOptions?]> {
  readonly numLayers: number;
  layers: TransformerEncoderLayer[];
  norm: Module | null;

  constructor(
    encoderLayer: ModuleSource<TransformerEncoderLayer>,
    numLayers: number,
    opts: { norm?: Module | null } = {},
  ) {
    super();
    this.numLayers = checkSize('TransformerEncoder', 'numLayers', numLayers);
    this.layers = Array.from({ length: numLayers }, () => cloneModule(encoderLayer));
    this.norm = opts.norm ?? null;
  }

  forward(src: Tensor, o: EncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) {
      x = layer.call(x, { srcMask: o.mask, srcKeyPaddingMask: o.srcKeyPaddingMask, srcIsCausal: o.isCausal });
    }
    return this.norm ? this.norm.call(x) : x;
  }
}

/**
 * A stack of `numLayers` copies of `decoderLayer`, each attending to the same `memory`, then an
 * optional `norm`.
 *
 * Shape: tgt `[T, N, E]`, memory `[S, N, E]` (batch first if the layer is), output like tgt.
 * @example new nn.TransformerDecoder(new nn.TransformerDecoderLayer(64, 4), 2).call(tgt, memory)
 */
export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderLayerForwardOptions?]> {
  readonly numLayers: number;
  layers: TransformerDecoderLayer[];
  norm: Module | null;

  constructor(
    decoderLayer: ModuleSource<TransformerDecoderLayer>,
    numLayers: number,
    opts: { norm?: Module | null } = {},
  ) {
    super();
    this.numLayers = checkSize('TransformerDecoder', 'numLayers', numLayers);
    this.layers = Array.from({ length: numLayers }, () => cloneModule(decoderLayer));
    this.norm = opts.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, o: DecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.call(x, memory, o);
    return this.norm ? this.norm.call(x) : x;
  }
}

/** Options of `Transformer` (PyTorch's keyword arguments and defaults). */
export interface TransformerOptions extends TransformerLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  customEncoder?: Module<[Tensor, EncoderForwardOptions?]> | null;
  customDecoder?: Module<[Tensor, Tensor, DecoderLayerForwardOptions?]> | null;
}

/** Forward options of `Transformer`: PyTorch's masks (bool true = ignore; float = added). */
export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need", as `torch.nn.Transformer`:
 * `encoder` (layers + final LayerNorm) maps src to memory, `decoder` (layers + final LayerNorm)
 * maps tgt and memory to the output. Every weight matrix starts xavier-uniform.
 *
 * Shape: src `[S, N, E]`, tgt `[T, N, E]` (batch first with batchFirst), output `[T, N, E]`.
 * @see https://arxiv.org/abs/1706.03762
 * @example
 * const model = new nn.Transformer({ dModel: 64, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2 });
 * model.call(src, tgt, { tgtMask: nn.Transformer.generateSquareSubsequentMask(tgt.shape[0]) });
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?]> {
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  encoder: Module<[Tensor, EncoderForwardOptions?]>;
  decoder: Module<[Tensor, Tensor, DecoderLayerForwardOptions?]>;

  constructor(opts: TransformerOptions = {}) {
    super();
    this.dModel = opts.dModel ?? 512;
    this.nhead = opts.nhead ?? 8;
    this.batchFirst = opts.batchFirst ?? false;
    const common = { eps: opts.layerNormEps ?? 1e-5, bias: opts.bias ?? true, dtype: opts.dtype };
    this.encoder =
      opts.customEncoder ??
      new TransformerEncoder(new TransformerEncoderLayer(this.dModel, this.nhead, opts), opts.numEncoderLayers ?? 6, {
        norm: new LayerNorm(this.dModel, common),
      });
    this.decoder =
      opts.customDecoder ??
      new TransformerDecoder(new TransformerDecoderLayer(this.dModel, this.nhead, opts), opts.numDecoderLayers ?? 6, {
        norm: new LayerNorm(this.dModel, common),
      });
    this.resetParameters();
  }

  /** PyTorch's `_reset_parameters`: xavier-uniform for every parameter with more than one dim. */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
  }

  /** PyTorch's mask for causal decoding: -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number, opts: { dtype?: DType } = {}): Tensor {
    return generateSquareSubsequentMask(sz, opts);
  }

  forward(src: Tensor, tgt: Tensor, o: TransformerForwardOptions = {}): Tensor {
    const batched = src.ndim === 3;
    const bdim = this.batchFirst ? 0 : 1;
    if (batched && src.shape[bdim] !== tgt.shape[bdim]) {
      throw new ShapeError(
        'Transformer',
        `expected src and tgt with the same batch size (the batch number of src and tgt must be equal), got ${fmtShape(src.shape)} and ${fmtShape(tgt.shape)}`,
        [src.shape, tgt.shape],
      );
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ShapeError(
        'Transformer',
        `expected src and tgt with ${this.dModel} features (the feature number of src and tgt must be equal to d_model), got ${fmtShape(src.shape)} and ${fmtShape(tgt.shape)}`,
        [src.shape, tgt.shape],
      );
    }
    const memory = this.encoder.call(src, {
      mask: o.srcMask,
      srcKeyPaddingMask: o.srcKeyPaddingMask,
      isCausal: o.srcIsCausal,
    });
    return this.decoder.call(tgt, memory, {
      tgtMask: o.tgtMask,
      memoryMask: o.memoryMask,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask,
      tgtIsCausal: o.tgtIsCausal,
      memoryIsCausal: o.memoryIsCausal,
    });
  }

  override extraRepr(): string {
    return `d_model=${this.dModel}, nhead=${this.nhead}`;
  }
}
