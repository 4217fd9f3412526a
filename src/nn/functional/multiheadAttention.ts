// The functional form of nn.MultiheadAttention (PyTorch's F.multi_head_attention_forward):
// input projections, head split, masks in PyTorch's MultiheadAttention convention (bool true =
// ignore this key; float = added), attention, head merge, output projection.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { cat } from '../../ops/shape.js';
import { zeros } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
import type { GeneratorOptions } from '../../tensor/generator.js';
import type { Tensor } from '../../tensor/tensor.js';
import { attention, attentionWithWeights, type AttentionKernel } from './attention.js';
import { linear } from './linear.js';

/** The weights of a multi-head attention (PyTorch's parameter layouts). */
export interface MultiHeadAttentionWeights {
  /** Packed `[3E, E]` q, k, v projection (when key and value have the embedding size). */
  inProjWeight?: Tensor | null;
  /** Separate projections `[E, E]`, `[E, kdim]`, `[E, vdim]` (PyTorch's use_separate_proj_weight). */
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** `[3E]`: q, k and v biases. */
  inProjBias?: Tensor | null;
  /** `[1, 1, E]` learned key and value appended to the sequence (add_bias_kv). */
  biasK?: Tensor | null;
  biasV?: Tensor | null;
  outProjWeight: Tensor;
  outProjBias?: Tensor | null;
}

/** Options of `multiHeadAttentionForward` and `MultiheadAttention.forward`. */
export interface MultiHeadAttentionOptions extends GeneratorOptions {
  /** `[N, S]` (or `[S]` unbatched): bool true = ignore that key; float = added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights. Default true. */
  needWeights?: boolean;
  /** `[L, S]` or `[N * numHeads, L, S]`: bool true = not allowed to attend; float = added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads. Default true. */
  averageAttnWeights?: boolean;
  /** Causal attention when no attnMask is given (with one, PyTorch's hint: the mask is used). */
  isCausal?: boolean;
  /** Append a zero key and value (add_zero_attn). Default false. */
  addZeroAttn?: boolean;
  /** Dropout on attention weights, applied when `training`. Default 0. */
  dropoutP?: number;
  training?: boolean;
  /** nabla: implementation of the attention itself (see scaledDotProductAttention). */
  kernel?: AttentionKernel;
}

const OP = 'multiHeadAttentionForward';

function checkMaskDType(name: string, m: Tensor): void {
  checkTensor(OP, m, name);
  if (m.dtype !== 'bool' && !isFloat(m.dtype)) {
    throw new DTypeError(
      OP,
      `expected ${name} to be bool or floating point (only bool and floating types of masks are supported), got ${m.dtype}`,
    );
  }
}

// `[N, H | 1, L | 1, S]` masks from PyTorch's attn_mask and key_padding_mask.
function attnMask4d(m: Tensor, N: number, H: number, L: number, S: number): Tensor {
  checkMaskDType('attnMask', m);
  if (m.ndim === 2) {
    if (m.shape[0] !== L || m.shape[1] !== S) {
      throw new ShapeError(OP, `expected a 2-D attnMask of shape [${L}, ${S}], got ${fmtShape(m.shape)}`, [m.shape]);
    }
    return m.reshape([1, 1, L, S]);
  }
  if (m.ndim === 3) {
    if (m.shape[0] !== N * H || m.shape[1] !== L || m.shape[2] !== S) {
      throw new ShapeError(OP, `expected a 3-D attnMask of shape [${N * H}, ${L}, ${S}], got ${fmtShape(m.shape)}`, [
        m.shape,
      ]);
    }
    return m.reshape([N, H, L, S]);
  }
  throw new ShapeError(OP, `expected a 2-D or 3-D attnMask, got ${fmtShape(m.shape)}`, [m.shape]);
}

// One more column (a bias or zero key that everyone may attend to).
const padKey = (m: Tensor | null) =>
  m === null ? null : cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype: m.dtype })], -1);

// Both masks as the core attention wants them: bool keep-mask or float additive mask.
function mergeMasks(masks: (Tensor | null)[], dtype: Tensor['dtype']): Tensor | null {
  const ms = masks.filter((m): m is Tensor => m !== null);
  if (ms.length === 0) return null;
  if (ms.every((m) => m.dtype === 'bool')) return ms.reduce((a, b) => a.logicalOr(b)).logicalNot();
  return ms
    .map((m) => (m.dtype === 'bool' ? zeros(m.shape, { dtype }).maskedFill(m, -Infinity) : m.to(dtype)))
    .reduce((a, b) => a.add(b));
}

function project(query: Tensor, key: Tensor, value: Tensor, w: MultiHeadAttentionWeights, E: number): Tensor[] {
  const b = w.inProjBias ?? null;
  const part = (t: Tensor | null, i: number, n = 1) => (t === null ? null : t.narrow(0, i * E, n * E));
  if (w.inProjWeight) {
    const W = w.inProjWeight;
    if (query === key && key === value) return linear(query, W, b).chunk(3, -1);
    const q = linear(query, part(W, 0)!, part(b, 0));
    if (key === value) return [q, ...linear(key, part(W, 1, 2)!, part(b, 1, 2)).chunk(2, -1)];
    return [q, linear(key, part(W, 1)!, part(b, 1)), linear(value, part(W, 2)!, part(b, 2))];
  }
  if (!w.qProjWeight || !w.kProjWeight || !w.vProjWeight) {
    throw new ValueError(OP, 'expected inProjWeight or all of qProjWeight, kProjWeight and vProjWeight, got neither');
  }
  return [
    linear(query, w.qProjWeight, part(b, 0)),
    linear(key, w.kProjWeight, part(b, 1)),
    linear(value, w.vProjWeight, part(b, 2)),
  ];
}

/**
 * Multi-head attention on sequence-first inputs, as PyTorch's F.multi_head_attention_forward:
 * `concat_h(softmax(q_h k_h^T / sqrt(d) + mask) v_h) W_o^T + b_o` with `q_h, k_h, v_h` the
 * projections of query, key and value split into `numHeads` heads of size d = E / numHeads.
 * Returns the output and the attention weights (averaged over heads by default) or null.
 *
 * Shape: query `[L, N, E]`, key `[S, N, kdim]`, value `[S, N, vdim]` (or unbatched `[L, E]`...),
 * output `[L, N, E]`, weights `[N, L, S]` or `[N, numHeads, L, S]`.
 * @example
 * const [y] = nn.functional.multiHeadAttentionForward(x, x, x, 2, { inProjWeight, outProjWeight });
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  numHeads: number,
  w: MultiHeadAttentionWeights,
  opts: MultiHeadAttentionOptions = {},
): [Tensor, Tensor | null] {
  checkTensor(OP, query, 'query');
  checkTensor(OP, key, 'key');
  checkTensor(OP, value, 'value');
  const batched = query.ndim === 3;
  if ((query.ndim !== 2 && !batched) || key.ndim !== query.ndim || value.ndim !== query.ndim) {
    throw new ShapeError(
      OP,
      `expected query, key and value all 3-D (batched) or all 2-D (unbatched), got ${fmtShape(query.shape)}, ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`,
      [query.shape, key.shape, value.shape],
    );
  }
  const un = (t: Tensor | null | undefined, d: number) => (t ? (batched ? t : t.unsqueeze(d)) : null);
  const [q0, k0, v0] = [query, key, value].map((t) => un(t, 1)!);
  const [L, N, E] = q0.shape;
  const S0 = k0.shape[0];
  if (k0.shape[1] !== N || v0.shape[1] !== N || v0.shape[0] !== S0) {
    throw new ShapeError(
      OP,
      `expected key [S, ${N}, kdim] and value of the same length S, got ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`,
      [query.shape, key.shape, value.shape],
    );
  }
  if (!Number.isInteger(numHeads) || numHeads < 1 || E % numHeads !== 0) {
    throw new ValueError(
      OP,
      `expected numHeads dividing the embedding size ${E} (embed_dim must be divisible by num_heads), got ${numHeads}`,
    );
  }
  const H = numHeads;
  const hd = E / H;
  // Keep identity so that self-attention runs one fused projection.
  const [qp, kp0, vp0] = project(q0, key === query ? q0 : k0, value === key ? (key === query ? q0 : k0) : v0, w, E);
  let [kp, vp] = [kp0, vp0];
  let S = S0;
  let am = opts.attnMask ? attnMask4d(opts.attnMask, N, H, L, S) : null;
  let kpm = un(opts.keyPaddingMask, 0);
  if (kpm) {
    checkMaskDType('keyPaddingMask', kpm);
    if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) {
      throw new ShapeError(
        OP,
        `expected keyPaddingMask of shape [${N}, ${S}], got ${fmtShape(opts.keyPaddingMask!.shape)}`,
        [kpm.shape],
      );
    }
    kpm = kpm.reshape([N, 1, 1, S]);
  }
  if (w.biasK && w.biasV) {
    kp = cat([kp, w.biasK.expand([1, N, E])], 0);
    vp = cat([vp, w.biasV.expand([1, N, E])], 0);
    [am, kpm, S] = [padKey(am), padKey(kpm), S + 1];
  }
  const heads = (t: Tensor, len: number) => t.reshape([len, N, H, hd]).permute([1, 2, 0, 3]);
  const qh = heads(qp, L);
  let [kh, vh] = [heads(kp, S), heads(vp, S)];
  if (opts.addZeroAttn) {
    kh = cat([kh, zeros([N, H, 1, hd], { dtype: kh.dtype })], 2);
    vh = cat([vh, zeros([N, H, 1, hd], { dtype: vh.dtype })], 2);
    [am, kpm] = [padKey(am), padKey(kpm)];
  }
  const core = {
    mask: mergeMasks([am, kpm], qh.dtype),
    causalOffset: opts.isCausal && !opts.attnMask ? 0 : null,
    dropoutP: (opts.training ?? true) ? (opts.dropoutP ?? 0) : 0,
    kernel: opts.kernel,
    generator: opts.generator,
  };
  let out: Tensor;
  let weights: Tensor | null = null;
  if (opts.needWeights ?? true) [out, weights] = attentionWithWeights(OP, qh, kh, vh, core);
  else out = attention(OP, qh, kh, vh, core);
  out = linear(out.permute([2, 0, 1, 3]).reshape([L, N, E]), w.outProjWeight, w.outProjBias ?? null);
  if (weights && (opts.averageAttnWeights ?? true)) weights = weights.mean(1);
  if (!batched) return [out.squeeze(1), weights ? weights.squeeze(0) : null];
  return [out, weights];
}
