// Mask helpers. Two conventions coexist, as in PyTorch: scaledDotProductAttention and the nbml
// modules (SelfAttention, CrossAttention, TransformerBlock) take keep-masks (true / 1 = attend),
// while MultiheadAttention and the nn.Transformer layers take PyTorch's "masked" bool masks
// (true = ignore) or float masks added to the scores (generateSquareSubsequentMask).
import { ValueError } from '../errors.js';
import { checkTensor } from '../ops/operands.js';
import { full } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { fromArray, type Tensor } from '../tensor/tensor.js';

function checkLen(op: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(op, `expected ${name} to be a non-negative integer, got ${n}`);
}

/**
 * Causal keep-mask `[queries, keys]`: true where key j may be seen from query i, i.e.
 * `j <= i + offset` (offset 0 and square: the lower triangle, nbml's `causal_mask(n)`). For
 * queries that continue a cached prefix, pass `keys` = prefix + queries and `offset` = prefix.
 * @example nn.causalMask(3) // [[true, false, false], [true, true, false], [true, true, true]]
 */
export function causalMask(queries: number, opts: { keys?: number; offset?: number } = {}): Tensor {
  const op = 'causalMask';
  const keys = opts.keys ?? queries;
  const offset = opts.offset ?? 0;
  checkLen(op, 'queries', queries);
  checkLen(op, 'keys', keys);
  if (!Number.isInteger(offset)) throw new ValueError(op, `expected an integer offset, got ${offset}`);
  const data = new Uint8Array(queries * keys);
  for (let i = 0; i < queries; i++) for (let j = 0; j <= Math.min(keys - 1, i + offset); j++) data[i * keys + j] = 1;
  return fromArray(data, [queries, keys], 'bool');
}

/**
 * Padding keep-mask `[B, maxLen]` from sequence lengths: true at real tokens (`t < length`),
 * false at right padding. Negate it (`logicalNot()`) for MultiheadAttention's keyPaddingMask.
 * @example nn.paddingMask([3, 1]) // [[true, true, true], [true, false, false]]
 */
export function paddingMask(lengths: readonly number[] | Tensor, maxLen?: number): Tensor {
  const op = 'paddingMask';
  const lens = Array.isArray(lengths) ? lengths : Array.from(checkTensor(op, lengths, 'lengths').data(), Number);
  lens.forEach((l) => checkLen(op, 'every length', l));
  const S = maxLen ?? Math.max(0, ...lens);
  checkLen(op, 'maxLen', S);
  const data = new Uint8Array(lens.length * S);
  lens.forEach((l, b) => data.fill(1, b * S, b * S + Math.min(l, S)));
  return fromArray(data, [lens.length, S], 'bool');
}

/**
 * The attention keep-mask `[B, S, S]` of nbml's Transformer: key j is visible from query i when
 * `pad[b, j]` is set (and, if causal, j <= i). `pad` is `[B, S]`, bool or 1/0 numbers.
 * @example nn.padAttentionMask(nn.paddingMask([2, 3]), { causal: true }) // [2, 3, 3]
 */
export function padAttentionMask(pad: Tensor, opts: { causal?: boolean } = {}): Tensor {
  const op = 'padAttentionMask';
  checkTensor(op, pad, 'pad');
  if (pad.ndim !== 2) throw new ValueError(op, `expected a [B, S] padding mask, got ${pad.ndim} dims`);
  const keep = pad.dtype === 'bool' ? pad : pad.ne(0);
  const [B, S] = pad.shape;
  const m = keep.unsqueeze(1).expand([B, S, S]);
  return opts.causal ? m.logicalAnd(causalMask(S)) : m;
}

/**
 * PyTorch's `nn.Transformer.generate_square_subsequent_mask(sz)`: a float `[sz, sz]` mask with
 * -inf above the diagonal and 0 elsewhere, to add to attention scores.
 * @example nn.generateSquareSubsequentMask(3) // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 */
export function generateSquareSubsequentMask(sz: number, opts: { dtype?: DType } = {}): Tensor {
  checkLen('generateSquareSubsequentMask', 'sz', sz);
  return full([sz, sz], -Infinity, { dtype: opts.dtype ?? 'float32' }).triu(1);
}
