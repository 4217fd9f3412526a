// The blocked attention primitive and the plain composite it must agree with. Both take q
// `[BH, Sq, D]`, k `[BH, Sk, D]`, v `[BH, Sk, Dv]` (batch dims already flattened), an optional
// mask `[..., Sq, Sk]` broadcast to the batch dims (bool: true = attend; float: added), a causal
// offset, and a dropout probability with the seed of its counter-based mask, so both paths drop
// exactly the same weights.
import { grad } from '../../autograd/engine.js';
import { isGradEnabled } from '../../autograd/mode.js';
import { record } from '../../ops/record.js';
import { reshapeView } from '../../ops/prims/view.js';
import { softmax } from '../../ops/softmax.js';
import { allocate } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { flashBackward, flashForward, keepUniform, rowHash, type AttnProblem, type MaskView } from './attentionKernels.js';

/** Everything but the tensors: what both attention paths need to know. */
export interface AttnConfig {
  scale: number;
  /** Key j is visible from query i iff j <= i + causalOffset; null = no causal mask. */
  causalOffset: number | null;
  dropP: number;
  seed: number;
  block: number;
}

// The mask's offset for each flattened batch index (its batch dims are the leading ones).
function maskView(mask: Tensor, BH: number): MaskView {
  const nb = mask.ndim - 2;
  const offsets = new Float64Array(BH);
  for (let bh = 0; bh < BH; bh++) {
    let rest = bh;
    let off = mask.offset;
    for (let d = nb - 1; d >= 0; d--) {
      off += (rest % mask.shape[d]) * mask.strides[d];
      rest = Math.floor(rest / mask.shape[d]);
    }
    offsets[bh] = off;
  }
  return {
    data: mask.storage.data,
    offsets,
    rowStride: mask.strides[nb],
    colStride: mask.strides[nb + 1],
    bool: mask.dtype === 'bool',
  };
}

function problem(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, c: AttnConfig): AttnProblem {
  const [BH, Sq, D] = q.shape;
  return {
    BH,
    Sq,
    Sk: k.shape[1],
    D,
    Dv: v.shape[2],
    scale: c.scale,
    mask: mask ? maskView(mask, BH) : null,
    causalOffset: c.causalOffset,
    dropP: c.dropP,
    seed: c.seed,
    block: c.block,
  };
}

/**
 * The dropout multiplier of every attention weight (`keep / (1 - p)`, or 0), as a tensor
 * `[...batch, Sq, Sk]`: the same draws the blocked kernel makes, for the composite path.
 */
export function dropoutMultiplier(batch: readonly number[], Sq: number, Sk: number, c: AttnConfig, dtype: Tensor['dtype']): Tensor {
  const BH = batch.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, BH * Sq * Sk);
  const keepScale = c.dropP < 1 ? 1 / (1 - c.dropP) : 0;
  for (let bh = 0; bh < BH; bh++) {
    for (let i = 0; i < Sq; i++) {
      const rh = rowHash(c.seed, bh, i);
      const o = (bh * Sq + i) * Sk;
      for (let j = 0; j < Sk; j++) data[o + j] = keepUniform(rh, j) >= c.dropP ? keepScale : 0;
    }
  }
  return fromArray(data, [...batch, Sq, Sk], dtype);
}

/**
 * Plain attention, `softmax(q k^T scale + mask) v`, as a composite of ops; returns the output
 * and the attention weights (after dropout). Used for short sequences, for `needWeights`, and to
 * differentiate the blocked primitive a second time.
 */
export function mathAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, c: AttnConfig): [Tensor, Tensor] {
  const Sq = q.shape[q.ndim - 2];
  const Sk = k.shape[k.ndim - 2];
  let s = q.matmul(k.transpose(-2, -1)).mul(c.scale);
  if (c.causalOffset !== null) s = s.maskedFill(causalBlocked(Sq, Sk, c.causalOffset), -Infinity);
  if (mask !== null) s = mask.dtype === 'bool' ? s.maskedFill(mask.logicalNot(), -Infinity) : s.add(mask);
  let w = softmax(s, -1);
  if (c.dropP > 0) w = w.mul(dropoutMultiplier(s.shape.slice(0, -2), Sq, Sk, c, w.dtype));
  return [w.matmul(v), w];
}

// [Sq, Sk] bool, true where key j is hidden from query i (j > i + offset).
function causalBlocked(Sq: number, Sk: number, offset: number): Tensor {
  const data = new Uint8Array(Sq * Sk);
  for (let i = 0; i < Sq; i++) for (let j = Math.max(0, i + offset + 1); j < Sk; j++) data[i * Sk + j] = 1;
  return fromArray(data, [Sq, Sk], 'bool');
}

// The gradients of `mathAttention` for `dy`, with the graph recorded (second derivatives).
function compositeGrads(inputs: readonly Tensor[], hasMask: boolean, c: AttnConfig, dy: Tensor, needs: readonly boolean[]) {
  // Fresh views give every input its own graph node to collect the gradient at.
  const xs = inputs.map((x, i) => (needs[i] ? reshapeView(x, x.shape, x.strides) : x));
  const wanted = xs.filter((_, i) => needs[i]);
  // The mask arrives with its batch dims; the composite wants them flattened like q's.
  const mask = hasMask ? xs[3].reshape([xs[0].shape[0], xs[0].shape[1], xs[1].shape[1]]) : null;
  const [y] = mathAttention(xs[0], xs[1], xs[2], mask, c);
  const gs = grad(y, wanted, { gradOutputs: dy, createGraph: true, allowUnused: true, materializeGrads: true });
  let n = 0;
  return needs.map((w) => (w ? gs[n++] : null));
}

/**
 * Memory-efficient attention as one primitive: the forward and backward kernels of
 * attentionKernels.ts, saving only q, k, v, the output and the row log-sum-exp. Its gradient is
 * computed by the blocked backward kernel; under `createGraph` it differentiates the composite
 * instead, so higher-order gradients exist. Inputs must be contiguous and of one float dtype;
 * `mask` (bool or float of the same dtype) is `[...batch, Sq, Sk]` whose batch dims flatten to BH.
 */
export function blockedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, c: AttnConfig): Tensor {
  const p = problem(q, k, v, mask, c);
  const dtype = q.dtype;
  const out = allocate(dtype, p.BH * p.Sq * p.Dv);
  const lse = new Float64Array(p.BH * p.Sq);
  flashForward(p, q.storage.data, k.storage.data, v.storage.data, out, lse);
  const y = fromArray(out, [p.BH, p.Sq, p.Dv], dtype);
  const lseT = fromArray(lse, [p.BH, p.Sq], 'float64');
  const inputs = mask ? [q, k, v, mask] : [q, k, v];
  return record(
    'scaledDotProductAttention',
    y,
    inputs,
    (dy, saved, needs) => {
      const [sq, sk, sv, so, sl] = saved;
      const sm = mask ? saved[5] : null;
      if (isGradEnabled()) return compositeGrads([sq, sk, sv, ...(sm ? [sm] : [])], sm !== null, c, dy, needs);
      const pb = problem(sq, sk, sv, sm, c);
      const g = dy.contiguous();
      const dq = new Float64Array(sq.numel());
      const dk = new Float64Array(sk.numel());
      const dv = new Float64Array(sv.numel());
      const wantMask = sm !== null && needs[3];
      const dm = wantMask ? allocate(dtype, pb.BH * pb.Sq * pb.Sk) : null;
      const data = [sq, sk, sv, so, g].map((t) => t.storage.data);
      flashBackward(pb, data, sl.storage.data as Float64Array, dq, dk, dv, dm);
      const wrap = (a: Float64Array, like: Tensor) =>
        fromArray(dtype === 'float64' ? a : Float32Array.from(a), like.shape, dtype);
      const grads: (Tensor | null)[] = [needs[0] ? wrap(dq, sq) : null, needs[1] ? wrap(dk, sk) : null, needs[2] ? wrap(dv, sv) : null];
      if (sm !== null) grads.push(dm ? fromArray(dm, sm.shape, dtype) : null);
      return grads;
    },
    mask ? [q, k, v, y, lseT, mask] : [q, k, v, y, lseT],
  );
}

/** `t` laid out densely from offset 0, as the kernels index it (a copy only when needed). */
export function dense(t: Tensor): Tensor {
  return t.offset === 0 && t.isContiguous() ? t : t.clone();
}
