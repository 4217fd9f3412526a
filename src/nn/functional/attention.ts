// scaledDotProductAttention with PyTorch 2.x semantics (bool mask: true = take part in
// attention; float mask: added to the scores), choosing between the plain composite and the
// memory-efficient blocked primitive of flashAttention.ts.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { checkTensor } from '../../ops/operands.js';
import { isFloat } from '../../tensor/dtype.js';
import { generatorOf, type GeneratorOptions } from '../../tensor/generator.js';
import { broadcastShapes } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { mathAttention, type AttnConfig } from './attentionMath.js';
import { blockedAttention } from './flashAttention.js';

/** Which implementation runs: chosen by size (`auto`), the composite (`math`), or the blocked kernel. */
export type AttentionKernel = 'auto' | 'math' | 'blocked';

/** Options of `scaledDotProductAttention` (PyTorch's names and defaults, plus `kernel` and `blockSize`). */
export interface ScaledDotProductAttentionOptions extends GeneratorOptions {
  /** Bool (true = attend) or float (added) mask broadcastable to `[..., Sq, Sk]`. */
  attnMask?: Tensor | null;
  /** Hide key j from query i when j > i (top-left aligned, as PyTorch). Default false. */
  isCausal?: boolean;
  /** Dropout probability on the attention weights (applied whenever > 0). Default 0. */
  dropoutP?: number;
  /** Score scale; default 1 / sqrt(E). */
  scale?: number | null;
  /** nabla: force an implementation. Default `auto`: the composite up to `MATH_MAX_LEN`. */
  kernel?: AttentionKernel;
  /** nabla: tile size of the blocked kernel (queries and keys). Default 64. */
  blockSize?: number;
}

/**
 * Up to this many queries and keys, `auto` runs the composite: at 128 tokens it is as fast as
 * the blocked path and its score matrix is small. Measured (8 x 4 heads, head dim 32, causal,
 * forward + backward, wasm backend): 128 tokens about equal; 512 tokens composite 1.5 s, blocked
 * (64-tiles) 0.5-0.8 s, which also skips the tiles the causal mask hides.
 */
export const MATH_MAX_LEN = 128;

/** Internal options: a causal mask with an offset (bottom-right alignment for KV caches). */
export interface AttentionCoreOptions extends GeneratorOptions {
  mask?: Tensor | null;
  causalOffset?: number | null;
  dropoutP?: number;
  scale?: number | null;
  kernel?: AttentionKernel;
  blockSize?: number;
}

function checkInputs(op: string, q: Tensor, k: Tensor, v: Tensor): void {
  checkTensor(op, q, 'query');
  checkTensor(op, k, 'key');
  checkTensor(op, v, 'value');
  if (q.dtype !== k.dtype || q.dtype !== v.dtype || !isFloat(q.dtype)) {
    throw new DTypeError(
      op,
      `expected query, key and value of one floating point dtype (Expected query, key, and value to have the same dtype), got ${q.dtype}, ${k.dtype} and ${v.dtype}`,
    );
  }
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) {
    throw new ShapeError(
      op,
      `expected query, key and value with at least 2 dims, got ${fmtShape(q.shape)}, ${fmtShape(k.shape)} and ${fmtShape(v.shape)}`,
      [q.shape, k.shape, v.shape],
    );
  }
  const E = q.shape[q.ndim - 1];
  if (k.shape[k.ndim - 1] !== E || k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]) {
    throw new ShapeError(
      op,
      `expected key [..., S, ${E}] and value [..., S, Ev] for query ${fmtShape(q.shape)}, got ${fmtShape(k.shape)} and ${fmtShape(v.shape)}`,
      [q.shape, k.shape, v.shape],
    );
  }
}

function checkMask(op: string, mask: Tensor, target: number[], dtype: Tensor['dtype']): Tensor {
  checkTensor(op, mask, 'attnMask');
  if (mask.dtype !== 'bool' && !isFloat(mask.dtype)) {
    throw new DTypeError(op, `expected a bool or floating point attnMask, got ${mask.dtype}`);
  }
  const lead = target.length - mask.ndim;
  if (lead < 0 || mask.shape.some((s, i) => s !== 1 && s !== target[lead + i])) {
    throw new ShapeError(op, `expected an attnMask broadcastable to ${fmtShape(target)}, got ${fmtShape(mask.shape)}`, [
      mask.shape,
      target,
    ]);
  }
  return (mask.dtype === 'bool' ? mask : mask.to(dtype)).expand(target);
}

/**
 * The attention behind every module here: validated inputs, a mask broadcast to
 * `[...batch, Sq, Sk]`, then the composite or the blocked primitive.
 */
export function attention(op: string, q: Tensor, k: Tensor, v: Tensor, o: AttentionCoreOptions = {}): Tensor {
  return attentionImpl(op, q, k, v, o, false)[0];
}

/** Like `attention`, also returning the attention weights `[...batch, Sq, Sk]` (always the composite). */
export function attentionWithWeights(
  op: string,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  o: AttentionCoreOptions = {},
): [Tensor, Tensor] {
  return attentionImpl(op, q, k, v, o, true) as [Tensor, Tensor];
}

function attentionImpl(
  op: string,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  o: AttentionCoreOptions,
  weights: boolean,
): [Tensor, Tensor | null] {
  checkInputs(op, q, k, v);
  const batch = broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  const [Sq, D] = q.shape.slice(-2);
  const Sk = k.shape[k.ndim - 2];
  const Dv = v.shape[v.ndim - 1];
  const dropP = o.dropoutP ?? 0;
  if (typeof dropP !== 'number' || !(dropP >= 0 && dropP <= 1)) {
    throw new ValueError(op, `dropout probability has to be between 0 and 1, but got ${String(dropP)}`);
  }
  const scale = o.scale ?? 1 / Math.sqrt(D);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new ValueError(op, `expected a finite scale, got ${String(o.scale)}`);
  }
  const block = o.blockSize ?? 64;
  if (!Number.isInteger(block) || block < 1) {
    throw new ValueError(op, `expected blockSize to be a positive integer, got ${String(o.blockSize)}`);
  }
  const mask = o.mask ? checkMask(op, o.mask, [...batch, Sq, Sk], q.dtype) : null;
  const cfg: AttnConfig = {
    scale,
    causalOffset: o.causalOffset ?? null,
    dropP,
    seed: dropP > 0 ? generatorOf(op, o).nextUint32() : 0,
    block,
  };
  const kernel = o.kernel ?? 'auto';
  const empty = Sq * Sk * D * Dv === 0 || batch.includes(0);
  const math = weights || empty || kernel === 'math' || (kernel === 'auto' && Sq <= MATH_MAX_LEN && Sk <= MATH_MAX_LEN);
  const [qb, kb, vb] = [q.expand([...batch, Sq, D]), k.expand([...batch, Sk, D]), v.expand([...batch, Sk, Dv])];
  if (math) return mathAttention(qb, kb, vb, mask, cfg);
  return [blockedAttention(qb, kb, vb, mask, cfg), null];
}

/**
 * Attention `softmax(q k^T * scale + mask) v` over the last two dims, with PyTorch 2.x's
 * semantics: a bool `attnMask` marks with `true` the pairs that take part, a float one is added
 * to the scores, `isCausal` hides later keys (top-left aligned), `dropoutP` drops attention
 * weights (whenever > 0; pass 0 in eval mode), `scale` defaults to 1/sqrt(E).
 *
 * Long sequences (more than `MATH_MAX_LEN` queries or keys) run a blocked, FlashAttention-style
 * kernel that keeps one `blockSize x blockSize` tile of scores per head at a time (online
 * softmax) and recomputes the tiles in backward from q, k, v and the row log-sum-exp. Both
 * paths draw the same dropout mask (a counter-based hash seeded from the generator), so they
 * agree. A query that sees no key (every score masked) gets output 0 and gradient 0, as PyTorch
 * 2.5+'s math path (PyTorch 1.13 gives NaN), so left-padded batches stay finite.
 *
 * Shape: query `[..., Sq, E]`, key `[..., Sk, E]`, value `[..., Sk, Ev]` (batch dims broadcast),
 * output `[..., Sq, Ev]`.
 * @see https://arxiv.org/abs/1706.03762 and https://arxiv.org/abs/2205.14135
 * @example
 * const q = nb.randn([2, 4, 300, 16]);
 * nn.functional.scaledDotProductAttention(q, q, q, { isCausal: true }); // [2, 4, 300, 16]
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: ScaledDotProductAttentionOptions = {},
): Tensor {
  const op = 'scaledDotProductAttention';
  if (opts.isCausal && opts.attnMask) {
    throw new ValueError(
      op,
      'expected either attnMask or isCausal (Explicit attn_mask should not be set when is_causal=True), got both',
    );
  }
  return attention(op, query, key, value, {
    mask: opts.attnMask ?? null,
    causalOffset: opts.isCausal ? 0 : null,
    dropoutP: opts.dropoutP,
    scale: opts.scale,
    kernel: opts.kernel,
    blockSize: opts.blockSize,
    generator: opts.generator,
  });
}
