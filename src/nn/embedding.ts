// Embedding and EmbeddingBag: a `weight` table `[numEmbeddings, embeddingDim]` initialized
// N(0, 1) with the padding row zeroed, as in PyTorch.
import { noGrad } from '../autograd/mode.js';
import { ShapeError, UnsupportedOpError, ValueError, fmtShape } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  embedding,
  embeddingBag,
  embeddingPadding,
  type EmbeddingBagOptions,
  type EmbeddingOptions,
} from './functional/embedding.js';
import { normal_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyFloat } from './repr.js';

/** Options of `Embedding`. */
export interface EmbeddingModuleOptions extends EmbeddingOptions {
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** Options of `fromPretrained`. */
export interface PretrainedOptions {
  /** Keep the table fixed (no gradient). Default true. */
  freeze?: boolean;
}

function lookupRepr(v: number, d: number, o: EmbeddingOptions, pad: number | null): string[] {
  const parts = [`${v}, ${d}`];
  if (pad !== null) parts.push(`padding_idx=${pad}`);
  if (o.maxNorm !== null && o.maxNorm !== undefined) parts.push(`max_norm=${pyFloat(o.maxNorm)}`);
  if ((o.normType ?? 2) !== 2) parts.push(`norm_type=${pyFloat(o.normType!)}`);
  if (o.scaleGradByFreq) parts.push('scale_grad_by_freq=True');
  return parts;
}

/**
 * A lookup table: row `i` of `weight` is the vector of index `i`. `paddingIdx`'s row starts at
 * zero and gets no gradient; `maxNorm` rescales looked-up rows in place to at most that norm.
 *
 * Shape: int32 input `[*]`, output `[*, embeddingDim]`.
 * @example
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb.call(nb.tensor([[1, 2, 0]], { dtype: 'int32' })); // [1, 3, 3]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    this.numEmbeddings = checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = checkSize('Embedding', 'embeddingDim', embeddingDim);
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? 'float32' }));
    this.paddingIdx = embeddingPadding('Embedding', this.weight, opts.paddingIdx);
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.scaleGradByFreq = opts.scaleGradByFreq ?? false;
    this.resetParameters();
  }

  /**
   * An Embedding holding a copy of `embeddings` (`[V, D]`), frozen unless `freeze` is false.
   * @example nn.Embedding.fromPretrained(vectors, { freeze: false })
   */
  static fromPretrained(embeddings: Tensor, opts: EmbeddingModuleOptions & PretrainedOptions = {}): Embedding {
    if (embeddings.ndim !== 2) {
      throw new ShapeError(
        'Embedding.fromPretrained',
        `expected a 2-D tensor of embeddings, got ${fmtShape(embeddings.shape)}`,
        [embeddings.shape],
      );
    }
    const m = new Embedding(embeddings.shape[0], embeddings.shape[1], { ...opts, dtype: embeddings.dtype });
    noGrad(() => m.weight.copy_(embeddings));
    m.weight.requiresGrad_(!(opts.freeze ?? true));
    return m;
  }

  /** Draws N(0, 1) rows and zeroes the padding row, as PyTorch. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.#options());
  }

  #options(): EmbeddingOptions {
    return {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
    };
  }

  override extraRepr(): string {
    return lookupRepr(this.numEmbeddings, this.embeddingDim, this.#options(), this.paddingIdx).join(', ');
  }
}

/** Options of `EmbeddingBag`. */
export interface EmbeddingBagModuleOptions extends EmbeddingOptions {
  /** How a bag's rows combine. Default 'mean'. */
  mode?: 'sum' | 'mean' | 'max';
  /** `offsets` has one more entry, the end of the last bag. Default false. */
  includeLastOffset?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Sums, averages or max-pools bags of embedding rows in one step (e.g. a bag-of-words model).
 * `call(input, offsets?, perSampleWeights?)`: a 2-D input holds one bag per row; a 1-D input is
 * cut at `offsets`. Padding entries are skipped; empty bags give zeros.
 *
 * Shape: int32 input `[B, L]` (or `[M]` with offsets `[B]`), output `[B, embeddingDim]`.
 * @example
 * const bag = new nn.EmbeddingBag(10, 3, { mode: 'sum' });
 * bag.call(nb.tensor([1, 2, 4, 5, 4], { dtype: 'int32' }), nb.tensor([0, 2], { dtype: 'int32' })); // [2, 3]
 */
export class EmbeddingBag extends Module<
  [input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null],
  Tensor
> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly mode: 'sum' | 'mean' | 'max';
  readonly includeLastOffset: boolean;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingBagModuleOptions = {}) {
    super();
    this.numEmbeddings = checkSize('EmbeddingBag', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = checkSize('EmbeddingBag', 'embeddingDim', embeddingDim);
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? 'float32' }));
    this.paddingIdx = embeddingPadding('EmbeddingBag', this.weight, opts.paddingIdx);
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.mode = opts.mode ?? 'mean';
    this.includeLastOffset = opts.includeLastOffset ?? false;
    if (!['sum', 'mean', 'max'].includes(this.mode)) {
      throw new ValueError('EmbeddingBag', `expected mode 'sum', 'mean' or 'max', got '${String(this.mode)}'`);
    }
    if (opts.scaleGradByFreq || opts.sparse) {
      throw new UnsupportedOpError('EmbeddingBag', 'scaleGradByFreq and sparse are not supported; leave them false');
    }
    this.resetParameters();
  }

  /**
   * An EmbeddingBag holding a copy of `embeddings` (`[V, D]`), frozen unless `freeze` is false.
   * @example nn.EmbeddingBag.fromPretrained(vectors, { mode: 'sum' })
   */
  static fromPretrained(embeddings: Tensor, opts: EmbeddingBagModuleOptions & PretrainedOptions = {}): EmbeddingBag {
    if (embeddings.ndim !== 2) {
      throw new ShapeError(
        'EmbeddingBag.fromPretrained',
        `expected a 2-D tensor of embeddings, got ${fmtShape(embeddings.shape)}`,
        [embeddings.shape],
      );
    }
    const m = new EmbeddingBag(embeddings.shape[0], embeddings.shape[1], { ...opts, dtype: embeddings.dtype });
    noGrad(() => m.weight.copy_(embeddings));
    m.weight.requiresGrad_(!(opts.freeze ?? true));
    return m;
  }

  /** Draws N(0, 1) rows and zeroes the padding row, as PyTorch. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  forward(input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null): Tensor {
    const o: EmbeddingBagOptions = {
      offsets,
      perSampleWeights,
      mode: this.mode,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
    };
    return embeddingBag(input, this.weight, o);
  }

  override extraRepr(): string {
    const parts = lookupRepr(
      this.numEmbeddings,
      this.embeddingDim,
      { maxNorm: this.maxNorm, normType: this.normType },
      null,
    );
    parts.push(`mode=${this.mode}`);
    if (this.paddingIdx !== null) parts.push(`padding_idx=${this.paddingIdx}`);
    return parts.join(', ');
  }
}
