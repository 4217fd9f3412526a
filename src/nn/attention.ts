// nn.MultiheadAttention with PyTorch's parameters (`in_proj_weight`, `in_proj_bias`,
// `out_proj.weight`, `out_proj.bias`, or `q_proj_weight`/`k_proj_weight`/`v_proj_weight` when
// kdim or vdim differ from embedDim; `bias_k`, `bias_v` with addBiasKv), initialization and
// mask conventions, so a PyTorch state dict loads and gives the same outputs.
import { ValueError } from '../errors.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkDropoutP } from './functional/dropout.js';
import { multiHeadAttentionForward, type MultiHeadAttentionOptions } from './functional/multiheadAttention.js';
import { constant_, xavierNormal_, xavierUniform_ } from './init.js';
import { Linear, checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool } from './repr.js';

/** Options of `MultiheadAttention` (PyTorch's names and defaults). */
export interface MultiheadAttentionOptions {
  /** Dropout on attention weights in train mode. Default 0. */
  dropout?: number;
  /** Biases of the input and output projections. Default true. */
  bias?: boolean;
  /** Learned key and value appended to the key sequence. Default false. */
  addBiasKv?: boolean;
  /** Append a zero key and value. Default false. */
  addZeroAttn?: boolean;
  /** Feature sizes of key and value. Default embedDim. */
  kdim?: number | null;
  vdim?: number | null;
  /** Inputs and output are `[N, L, E]` instead of `[L, N, E]`. Default false. */
  batchFirst?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** Forward options: PyTorch's keyword arguments. */
export type MultiheadAttentionForwardOptions = Pick<
  MultiHeadAttentionOptions,
  'keyPaddingMask' | 'needWeights' | 'attnMask' | 'averageAttnWeights' | 'isCausal' | 'kernel'
>;

/**
 * Multi-head attention, `concat_h(softmax(Q_h K_h^T / sqrt(d)) V_h) W_o^T + b_o`, as
 * `torch.nn.MultiheadAttention`: masks use its convention (bool `true` = this key is ignored;
 * float masks are added), `forward` returns `[output, weights | null]` with the weights averaged
 * over heads unless `averageAttnWeights` is false. With `needWeights: false` long sequences run
 * the memory-efficient blocked kernel.
 *
 * Shape: query `[L, N, E]`, key `[S, N, kdim]`, value `[S, N, vdim]` (`[N, L, E]`... with
 * batchFirst; `[L, E]` unbatched), output like query, weights `[N, L, S]` or `[N, H, L, S]`.
 * @see https://arxiv.org/abs/1706.03762
 * @example
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = mha.call(x, x, x, { keyPaddingMask: pad }); // y [N, L, 64], w [N, L, L]
 */
export class MultiheadAttention extends Module<
  [Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?],
  [Tensor, Tensor | null]
> {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  // Parameters keep PyTorch's spelling: it is their state-dict key.
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;
  bias_k: Parameter | null = null;
  bias_v: Parameter | null = null;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const op = 'MultiheadAttention';
    this.embedDim = checkSize(op, 'embedDim', embedDim);
    this.kdim = checkSize(op, 'kdim', opts.kdim ?? embedDim);
    this.vdim = checkSize(op, 'vdim', opts.vdim ?? embedDim);
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) {
      throw new ValueError(
        op,
        `expected numHeads dividing embedDim ${embedDim} (embed_dim must be divisible by num_heads), got ${numHeads}`,
      );
    }
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = checkDropoutP(op, opts.dropout ?? 0);
    this.batchFirst = opts.batchFirst ?? false;
    this.addZeroAttn = opts.addZeroAttn ?? false;
    const dtype = opts.dtype ?? 'float32';
    const bias = opts.bias ?? true;
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) this.in_proj_weight = new Parameter(empty([3 * E, E], { dtype }));
    else {
      this.q_proj_weight = new Parameter(empty([E, E], { dtype }));
      this.k_proj_weight = new Parameter(empty([E, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([E, this.vdim], { dtype }));
    }
    if (bias) this.in_proj_bias = new Parameter(empty([3 * E], { dtype }));
    this.out_proj = new Linear(E, E, { bias, dtype });
    if (opts.addBiasKv) {
      this.bias_k = new Parameter(empty([1, 1, E], { dtype }));
      this.bias_v = new Parameter(empty([1, 1, E], { dtype }));
    }
    this.resetParameters();
  }

  /** PyTorch's initialization: xavier-uniform projections, zero biases, xavier-normal bias_k/v. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) {
      if (w) xavierUniform_(w);
    }
    if (this.in_proj_bias) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    opts: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const batched = query.ndim === 3;
    const flip = this.batchFirst && batched;
    // Transposing each distinct tensor once keeps self-attention on the fused projection.
    const q = flip ? query.transpose(0, 1) : query;
    const k = flip ? (key === query ? q : key.transpose(0, 1)) : key;
    const v = flip ? (value === key ? k : value === query ? q : value.transpose(0, 1)) : value;
    const [y, w] = multiHeadAttentionForward(
      q,
      k,
      v,
      this.numHeads,
      {
        inProjWeight: this.in_proj_weight,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
        inProjBias: this.in_proj_bias,
        biasK: this.bias_k,
        biasV: this.bias_v,
        outProjWeight: this.out_proj.weight,
        outProjBias: this.out_proj.bias,
      },
      { ...opts, addZeroAttn: this.addZeroAttn, dropoutP: this.dropout, training: this.training },
    );
    return [flip ? y.transpose(0, 1) : y, w];
  }

  override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}, batch_first=${pyBool(this.batchFirst)}`;
  }
}
