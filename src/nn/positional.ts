// Positional encodings: sinusoidal (fixed), learned (a trained table) and rotary (RoPE, which
// rotates query and key features by position-dependent angles).
import { IndexError, ValueError } from '../errors.js';
import { cat } from '../ops/shape.js';
import { empty } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';
import { checkDropoutP, dropout as dropoutFn } from './functional/dropout.js';
import { normal_ } from './init.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyBool } from './repr.js';

/**
 * The sinusoidal table of "Attention Is All You Need", `[seqLen, dModel]`:
 * `pe[t, 2i] = sin(t / base^(2i/dModel))`, `pe[t, 2i+1] = cos(t / base^(2i/dModel))`, for
 * positions `t = offset .. offset + seqLen - 1` (nbml's `positional_encoding_seq`).
 * @example nn.sinusoidalEncoding(4, 8) // [4, 8]; row 0 is [0, 1, 0, 1, ...]
 */
export function sinusoidalEncoding(
  seqLen: number,
  dModel: number,
  opts: { base?: number; offset?: number; dtype?: DType } = {},
): Tensor {
  checkSize('sinusoidalEncoding', 'seqLen', seqLen);
  checkSize('sinusoidalEncoding', 'dModel', dModel);
  const base = opts.base ?? 10000;
  const offset = opts.offset ?? 0;
  const data = new Float64Array(seqLen * dModel);
  for (let t = 0; t < seqLen; t++) {
    for (let c = 0; c < dModel; c++) {
      const angle = (t + offset) / Math.pow(base, (2 * Math.floor(c / 2)) / dModel);
      data[t * dModel + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  const pe = fromArray(data, [seqLen, dModel], 'float64');
  return opts.dtype === 'float64' ? pe : pe.to(opts.dtype ?? 'float32');
}

// The sequence dim of x and its length, for batch-first `[B, S, D]`, seq-first `[S, B, D]` or `[S, D]`.
function seqDim(op: string, x: Tensor, batchFirst: boolean, d: number): number {
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== d) {
    throw new ValueError(op, `expected an input [B, S, ${d}], [S, B, ${d}] or [S, ${d}], got [${x.shape.join(', ')}]`);
  }
  return x.ndim === 2 || !batchFirst ? 0 : 1;
}

// pe rows [S, D] shaped to broadcast against x.
function alongSeq(pe: Tensor, x: Tensor, dim: number): Tensor {
  return x.ndim === 3 && dim === 0 ? pe.unsqueeze(1) : pe;
}

/**
 * Adds the fixed sinusoidal encoding of each position (`sinusoidalEncoding`), then dropout:
 * `y = dropout(x + pe[offset : offset + S])`. The table is a non-persistent buffer.
 *
 * Shape: `[B, S, dModel]` (batchFirst, the default here), `[S, B, dModel]` or `[S, dModel]`.
 * @example new nn.SinusoidalPositionalEncoding(64).call(nb.randn([2, 10, 64]))
 */
export class SinusoidalPositionalEncoding extends Module<[Tensor, number?]> {
  readonly dModel: number;
  readonly maxLen: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  pe: Tensor | null = null;

  constructor(
    dModel: number,
    opts: { maxLen?: number; base?: number; dropout?: number; batchFirst?: boolean; dtype?: DType } = {},
  ) {
    super();
    this.dModel = checkSize('SinusoidalPositionalEncoding', 'dModel', dModel);
    this.maxLen = checkSize('SinusoidalPositionalEncoding', 'maxLen', opts.maxLen ?? 5000);
    this.dropout = checkDropoutP('SinusoidalPositionalEncoding', opts.dropout ?? 0);
    this.batchFirst = opts.batchFirst ?? true;
    const pe = sinusoidalEncoding(this.maxLen, dModel, { base: opts.base, dtype: opts.dtype });
    this.registerBuffer('pe', pe, { persistent: false });
  }

  /** Adds the encoding of positions `offset, offset + 1, ...` (offset: tokens already decoded). */
  forward(x: Tensor, offset = 0): Tensor {
    const dim = seqDim('SinusoidalPositionalEncoding', x, this.batchFirst, this.dModel);
    const pe = rows('SinusoidalPositionalEncoding', this.pe!, offset, x.shape[dim]).to(x.dtype);
    return dropoutFn(x.add(alongSeq(pe, x, dim)), { p: this.dropout, training: this.training });
  }

  override extraRepr(): string {
    return `${this.dModel}, max_len=${this.maxLen}, batch_first=${pyBool(this.batchFirst)}`;
  }
}

function rows(op: string, table: Tensor, offset: number, S: number): Tensor {
  if (!Number.isInteger(offset) || offset < 0 || offset + S > table.shape[0]) {
    throw new IndexError(op, `expected positions within [0, ${table.shape[0]}), got ${offset} .. ${offset + S - 1}`);
  }
  return table.narrow(0, offset, S);
}

/**
 * A trained position table added to the input: `y = x + weight[offset : offset + S]`, weight
 * `[maxLen, dModel]` drawn from N(0, 0.02^2) (GPT-2's choice).
 *
 * Shape: `[B, S, dModel]` (batchFirst, the default here), `[S, B, dModel]` or `[S, dModel]`.
 * @example new nn.LearnedPositionalEmbedding(512, 64).call(nb.randn([2, 10, 64]))
 */
export class LearnedPositionalEmbedding extends Module<[Tensor, number?]> {
  readonly maxLen: number;
  readonly dModel: number;
  readonly batchFirst: boolean;
  weight: Parameter;

  constructor(maxLen: number, dModel: number, opts: { batchFirst?: boolean; dtype?: DType } = {}) {
    super();
    this.maxLen = checkSize('LearnedPositionalEmbedding', 'maxLen', maxLen);
    this.dModel = checkSize('LearnedPositionalEmbedding', 'dModel', dModel);
    this.batchFirst = opts.batchFirst ?? true;
    this.weight = new Parameter(empty([maxLen, dModel], { dtype: opts.dtype ?? 'float32' }));
    this.resetParameters();
  }

  /** Redraws the table from N(0, 0.02^2). */
  resetParameters(): void {
    normal_(this.weight, 0, 0.02);
  }

  /** Adds the embeddings of positions `offset, offset + 1, ...`. */
  forward(x: Tensor, offset = 0): Tensor {
    const dim = seqDim('LearnedPositionalEmbedding', x, this.batchFirst, this.dModel);
    return x.add(alongSeq(rows('LearnedPositionalEmbedding', this.weight, offset, x.shape[dim]), x, dim));
  }

  override extraRepr(): string {
    return `${this.maxLen}, ${this.dModel}, batch_first=${pyBool(this.batchFirst)}`;
  }
}

/**
 * Rotary position embedding (RoPE) in the half-split convention of GPT-NeoX and LLaMA (Hugging
 * Face's `rotate_half`): feature i < dim/2 is paired with feature i + dim/2 (not with its
 * neighbour, as in the original interleaved form) and the pair at position t is rotated by
 * `t * base^(-2i/dim)`: `y = x cos + rotateHalf(x) sin`, `rotateHalf([x1, x2]) = [-x2, x1]`.
 * Features past `dim` (partial rotary) pass through. Rotated queries and keys have dot products
 * that depend only on their position difference.
 *
 * Shape: `[..., S, headDim]` with headDim >= dim; positions run along dim -2.
 * @see https://arxiv.org/abs/2104.09864
 * @example
 * const rope = new nn.RotaryEmbedding(16);
 * const [q2, k2] = rope.call(q, k); // q, k [B, H, S, 16]
 */
export class RotaryEmbedding extends Module<[Tensor, Tensor, number?], [Tensor, Tensor]> {
  readonly dim: number;
  readonly base: number;
  // base^(-2i/dim) for each pair i (plain numbers: nothing to save or convert).
  readonly #invFreq: Float64Array;

  constructor(dim: number, opts: { base?: number } = {}) {
    super();
    if (!Number.isInteger(dim) || dim < 2 || dim % 2 !== 0) {
      throw new ValueError('RotaryEmbedding', `expected an even dim >= 2, got ${dim}`);
    }
    this.dim = dim;
    this.base = opts.base ?? 10000;
    this.#invFreq = Float64Array.from({ length: dim / 2 }, (_, i) => Math.pow(this.base, (-2 * i) / dim));
  }

  /** Rotates queries and keys; position of row s is `offset + s` (offset: cached tokens). */
  forward(q: Tensor, k: Tensor, offset = 0): [Tensor, Tensor] {
    return [this.rotate(q, offset), this.rotate(k, offset)];
  }

  /** Rotates one tensor `[..., S, headDim]`. */
  rotate(x: Tensor, offset = 0): Tensor {
    const op = 'RotaryEmbedding';
    if (x.ndim < 2 || x.shape[x.ndim - 1] < this.dim) {
      throw new ValueError(op, `expected an input [..., S, >= ${this.dim}], got [${x.shape.join(', ')}]`);
    }
    const S = x.shape[x.ndim - 2];
    const h = this.dim / 2;
    const cos = new Float64Array(S * this.dim);
    const sin = new Float64Array(S * this.dim);
    for (let t = 0; t < S; t++) {
      for (let i = 0; i < h; i++) {
        const a = (t + offset) * this.#invFreq[i];
        cos[t * this.dim + i] = cos[t * this.dim + i + h] = Math.cos(a);
        sin[t * this.dim + i] = sin[t * this.dim + i + h] = Math.sin(a);
      }
    }
    const c = fromArray(cos, [S, this.dim], 'float64').to(x.dtype);
    const s = fromArray(sin, [S, this.dim], 'float64').to(x.dtype);
    const head = x.shape[x.ndim - 1] === this.dim ? x : x.narrow(-1, 0, this.dim);
    const x1 = head.narrow(-1, 0, h);
    const x2 = head.narrow(-1, h, h);
    const rotated = head.mul(c).add(cat([x2.neg(), x1], -1).mul(s));
    return head === x ? rotated : cat([rotated, x.narrow(-1, this.dim, x.shape[x.ndim - 1] - this.dim)], -1);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, base=${this.base}`;
  }
}
