// Chunked scans of the linear-attention family. Within a chunk of C steps the recurrence is
// unrolled into C x C matrices (the "parallel" form); between chunks the state is carried, so the
// cost is O(S * C) in the sequence length S and never builds an S x S matrix. Decays enter only
// as exp(cumulative log-gate difference) with the later step first, so every exponent is <= 0
// and the scan is stable for gates arbitrarily close to 0 (no division by cumulative products).
// All of it is composed of differentiable ops: no gradient code here.
import { where } from '../ops/elementwise.js';
import { pad } from '../ops/pad.js';
import { cat } from '../ops/shape.js';
import { ones, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { causalMask } from './masks.js';

/** The result of a scan: outputs `[B, H, S, dV]` and the state after the last step `[B, H, dK, dV]`. */
export interface ScanResult {
  out: Tensor;
  state: Tensor;
}

/** Inputs of `gatedScan` (LinearAttention, GatedLinearAttention); all `[B, H, S, *]`. */
export interface GatedScanInputs {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  /** log of the key-side gate alpha `[B, H, S, dK]`, or null (no decay). */
  logA: Tensor | null;
  /** log of the value-side gate beta `[B, H, S, dV]`, or null. */
  logB: Tensor | null;
  /** Initial state `[B, H, dK, dV]` (null: zeros). */
  state: Tensor | null;
  chunkSize: number;
}

/** Inputs of `deltaScan` (DeltaNet, GatedDeltaNet). */
export interface DeltaScanInputs {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  /** Write strength beta `[B, H, S]`. */
  beta: Tensor;
  /** log of the scalar decay alpha `[B, H, S]`, or null (DeltaNet: alpha = 1). */
  logAlpha: Tensor | null;
  state: Tensor | null;
  chunkSize: number;
}

function zeroState(q: Tensor, v: Tensor): Tensor {
  const [B, H, , dK] = q.shape;
  return zeros([B, H, dK, v.shape[3]], { dtype: v.dtype });
}

// Pads dim 2 (time) of a [B, H, S, *] or [B, H, S] tensor with zeros up to `len`.
function padTime(t: Tensor, len: number): Tensor {
  const extra = len - t.shape[2];
  if (extra === 0) return t;
  return pad(t, t.ndim === 3 ? [0, extra] : [0, 0, 0, extra]);
}

function run(
  S: number,
  C: number,
  state: Tensor,
  inputs: (Tensor | null)[],
  body: (chunk: (Tensor | null)[], state: Tensor) => ScanResult,
): ScanResult {
  const n = Math.ceil(S / C);
  const padded = inputs.map((t) => (t ? padTime(t, n * C) : null));
  const outs: Tensor[] = [];
  for (let c = 0; c < n; c++) {
    const r = body(
      padded.map((t) => (t ? t.narrow(2, c * C, C) : null)),
      state,
    );
    outs.push(r.out);
    state = r.state;
  }
  const out = outs.length === 1 ? outs[0] : cat(outs, 2);
  return { out: out.shape[2] === S ? out : out.narrow(2, 0, S), state };
}

// exp(c_t - c_s) on the lower triangle (s <= t, or s < t when strict) and 0 above it, for
// cumulative log-gates c `[..., C, *]`: `[..., C(t), C(s), *]`, or `[..., C, C]` for c `[..., C]`.
function pairDecay(c: Tensor, keep: Tensor, vector: boolean): Tensor {
  if (!vector) return where(keep, c.unsqueeze(-1).sub(c.unsqueeze(-2)), -Infinity).exp();
  return where(keep.unsqueeze(-1), c.unsqueeze(-2).sub(c.unsqueeze(-3)), -Infinity).exp();
}

/**
 * `S_t = (alpha_t beta_t^T) * S_{t-1} + k_t v_t^T`, `o_t = S_t^T q_t` (alpha, beta = 1 when their
 * log is null), chunk by chunk.
 * @example const { out, state } = gatedScan({ q, k, v, logA, logB: null, state: null, chunkSize: 16 });
 */
export function gatedScan(a: GatedScanInputs): ScanResult {
  const S = a.q.shape[2];
  const state = a.state ?? zeroState(a.q, a.v);
  if (S === 0) return { out: zeros([...a.v.shape], { dtype: a.v.dtype }), state };
  const C = Math.min(a.chunkSize, S);
  const incl = causalMask(C);
  return run(S, C, state, [a.q, a.k, a.v, a.logA, a.logB], ([q, k, v, la, lb], s) => {
    const cA = la ? la!.cumsum(2) : null;
    const cB = lb ? lb!.cumsum(2) : null;
    // Intra-chunk scores p[t, s] = sum_i q_t[i] k_s[i] alpha(s..t)[i], causal.
    const p = cA
      ? q!
          .unsqueeze(3)
          .mul(k!.unsqueeze(2))
          .mul(pairDecay(cA, incl, true))
          .sum(-1)
      : where(incl, q!.matmul(k!.mT), 0);
    const intra = cB
      ? p
          .unsqueeze(-1)
          .mul(v!.unsqueeze(2))
          .mul(pairDecay(cB, incl, true))
          .sum(3)
      : p.matmul(v!);
    let inter = (cA ? q!.mul(cA.exp()) : q!).matmul(s);
    if (cB) inter = inter.mul(cB.exp());
    // State after the chunk: each step's write decayed to the chunk's end.
    const lastA = cA ? cA.narrow(2, C - 1, 1) : null;
    const lastB = cB ? cB.narrow(2, C - 1, 1) : null;
    const kd = lastA ? k!.mul(lastA.sub(cA!).exp()) : k!;
    const vd = lastB ? v!.mul(lastB.sub(cB!).exp()) : v!;
    let carried = s;
    if (lastA) carried = carried.mul(lastA.mT.exp());
    if (lastB) carried = carried.mul(lastB.exp());
    return { out: intra.add(inter), state: carried.add(kd.mT.matmul(vd)) };
  });
}

/**
 * `(I + a)^-1` for strictly lower-triangular `a` `[..., C, C]` (C a power of two), by block
 * doubling: the inverse of `[[P, 0], [Q, R]]` is `[[P^-1, 0], [-R^-1 Q P^-1, R^-1]]`. Every
 * intermediate is a block of the true inverse, which the delta rule keeps bounded, so this is
 * accurate in float32 where a Neumann series (powers of `a`) is not.
 * @example unitLowerInverse(nb.tensor([[0, 0], [2, 0]])) // [[1, 0], [-2, 1]]
 */
export function unitLowerInverse(a: Tensor): Tensor {
  const C = a.shape[a.ndim - 1];
  const batch = a.shape.slice(0, -2);
  let inv = ones([...batch, C, 1, 1], { dtype: a.dtype });
  for (let b = 1; b < C; b *= 2) {
    const n = C / (2 * b);
    const pairs = inv.reshape([...batch, n, 2, b, b]);
    const p = pairs.select(-3, 0);
    const r = pairs.select(-3, 1);
    const blocks = a
      .reshape([...batch, n, 2 * b, n, 2 * b])
      .diagonal(0, -4, -2)
      .movedim(-1, -3);
    const q = blocks.narrow(-2, b, b).narrow(-1, 0, b);
    const x = r.matmul(q).matmul(p).neg();
    const z = zeros([...batch, n, b, b], { dtype: a.dtype });
    inv = cat([cat([p, z], -1), cat([x, r], -1)], -2);
  }
  return inv.reshape([...batch, C, C]);
}

/**
 * The (gated) delta rule `S_t = alpha_t S_{t-1} + beta_t k_t (v_t - S_{t-1}^T k_t)^T`,
 * `o_t = S_t^T q_t`, chunk by chunk. Within a chunk the writes `u_t = beta_t (v_t - S_{t-1}^T k_t)`
 * solve one unit-lower-triangular system (the WY form of Yang et al., 2024):
 * `(I + A) U = diag(beta) (V - diag(gamma_{t-1}) K S_0)`, `A[t, s] = beta_t (gamma_{t-1} / gamma_s)
 * k_t . k_s` for s < t, with gamma the cumulative product of alpha inside the chunk.
 * @see https://arxiv.org/abs/2406.06484
 * @example const { out, state } = deltaScan({ q, k, v, beta, logAlpha: null, state: null, chunkSize: 16 });
 */
export function deltaScan(a: DeltaScanInputs): ScanResult {
  const S = a.q.shape[2];
  const state = a.state ?? zeroState(a.q, a.v);
  if (S === 0) return { out: zeros([...a.v.shape], { dtype: a.v.dtype }), state };
  let C = 1;
  while (C < Math.min(a.chunkSize, S)) C *= 2;
  const incl = causalMask(C);
  const strict = causalMask(C, { offset: -1 });
  return run(S, C, state, [a.q, a.k, a.v, a.beta, a.logAlpha], ([q, k, v, beta, la], s) => {
    const g = la ? la!.cumsum(-1) : null; // log gamma_t
    const gPrev = g ? g.sub(la!) : null; // log gamma_{t-1}
    const bCol = beta!.unsqueeze(-1);
    let A = k!.matmul(k!.mT).mul(bCol);
    A = g ? A.mul(where(strict, gPrev!.unsqueeze(-1).sub(g.unsqueeze(-2)), -Infinity).exp()) : where(strict, A, 0);
    let ks = k!.matmul(s);
    if (gPrev) ks = ks.mul(gPrev.exp().unsqueeze(-1));
    const u = unitLowerInverse(A).matmul(v!.sub(ks).mul(bCol));
    const qk = q!.matmul(k!.mT);
    const scores = g ? qk.mul(pairDecay(g, incl, false)) : where(incl, qk, 0);
    let qs = q!.matmul(s);
    if (g) qs = qs.mul(g.exp().unsqueeze(-1));
    const gLast = g ? g.narrow(-1, C - 1, 1) : null;
    const kd = gLast ? k!.mul(gLast.sub(g!).exp().unsqueeze(-1)) : k!;
    const carried = gLast ? s.mul(gLast.exp().unsqueeze(-1)) : s;
    return { out: qs.add(scores.matmul(u)), state: carried.add(kd.mT.matmul(u)) };
  });
}
