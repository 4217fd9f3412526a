// Blocked (FlashAttention-style) attention kernels over typed arrays. The forward walks one
// block of queries against one block of keys at a time and keeps a running row maximum and row
// sum (online softmax), so the score matrix never exists beyond one `block x block` tile per
// head; it returns the output and the log-sum-exp of each row. The backward recomputes each tile
// from q, k, v and the log-sum-exp instead of reading a stored probability matrix.
// Accumulation is in float64 whatever the storage type.
// References: Dao et al. 2022 (https://arxiv.org/abs/2205.14135), Dao 2023 (FlashAttention-2).
import type { TypedArray } from '../../tensor/dtype.js';

/** A strided `[..., Sq, Sk]` mask: the offset of each (batch x head) slice, and row/column strides. */
export interface MaskView {
  data: TypedArray;
  /** Offset of slice `bh` (batch dims flattened, broadcast dims have stride 0). */
  offsets: Float64Array;
  rowStride: number;
  colStride: number;
  /** true: entries are keep flags (0 = masked out); false: entries are added to the scores. */
  bool: boolean;
}

/** One attention problem: `BH` independent heads, contiguous q `[BH, Sq, D]`, k `[BH, Sk, D]`, v `[BH, Sk, Dv]`. */
export interface AttnProblem {
  BH: number;
  Sq: number;
  Sk: number;
  D: number;
  Dv: number;
  scale: number;
  mask: MaskView | null;
  /** Key j is visible from query i iff j <= i + causalOffset; null = no causal mask. */
  causalOffset: number | null;
  /** Dropout probability on the attention weights and the seed of its counter-based mask. */
  dropP: number;
  seed: number;
  block: number;
}

// A 32-bit integer mixer (the "lowbias32" finalizer): the dropout mask is a pure function of
// (seed, head, row, column), so the backward regenerates it instead of storing Sq x Sk bits.
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The hash state of row `i` of head `bh`; `keepUniform(rowHash, j)` is then U[0, 1). */
export function rowHash(seed: number, bh: number, i: number): number {
  return mix32(mix32(seed ^ Math.imul(bh + 1, 0x9e3779b1)) ^ Math.imul(i + 1, 0x85ebca6b));
}

/** A uniform draw in [0, 1) for column `j` of a row; an element is kept when it is >= p. */
export function keepUniform(rh: number, j: number): number {
  return mix32(rh ^ Math.imul(j + 1, 0xc2b2ae35)) / 4294967296;
}

// Four partial sums: breaks the add dependency chain (about 1.5x on V8 for D = 32).
function dot(a: TypedArray, ao: number, b: TypedArray, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < n; d += 4) {
    s0 += a[ao + d] * b[bo + d];
    s1 += a[ao + d + 1] * b[bo + d + 1];
    s2 += a[ao + d + 2] * b[bo + d + 2];
    s3 += a[ao + d + 3] * b[bo + d + 3];
  }
  for (; d < n; d++) s0 += a[ao + d] * b[bo + d];
  return s0 + s1 + s2 + s3;
}

// The scaled, masked score of (i, j), or -Infinity where (i, j) is masked out.
function score(p: AttnProblem, q: TypedArray, k: TypedArray, qo: number, ko: number, i: number, j: number, mo: number): number {
  if (p.causalOffset !== null && j > i + p.causalOffset) return -Infinity;
  let s = dot(q, qo, k, ko, p.D) * p.scale;
  const m = p.mask;
  if (m !== null) {
    const mv = m.data[mo + i * m.rowStride + j * m.colStride];
    if (m.bool) return mv ? s : -Infinity;
    s += mv;
  }
  return s;
}

// The last key block a query block can see under the causal mask (exclusive end).
function keyEnd(p: AttnProblem, q0: number, q1: number): number {
  return p.causalOffset === null ? p.Sk : Math.max(0, Math.min(p.Sk, q1 - 1 + p.causalOffset + 1));
}

/** Forward: writes `out` `[BH, Sq, Dv]` and `lse` `[BH, Sq]` (log-sum-exp of each row's scores). */
export function flashForward(p: AttnProblem, q: TypedArray, k: TypedArray, v: TypedArray, out: TypedArray, lse: Float64Array): void {
  const { BH, Sq, Sk, D, Dv, block, dropP } = p;
  const keepScale = dropP < 1 ? 1 / (1 - dropP) : 0;
  const S = new Float64Array(block);
  const m = new Float64Array(block);
  const l = new Float64Array(block);
  const acc = new Float64Array(block * Dv);
  for (let bh = 0; bh < BH; bh++) {
    const mo = p.mask ? p.mask.offsets[bh] : 0;
    for (let q0 = 0; q0 < Sq; q0 += block) {
      const q1 = Math.min(Sq, q0 + block);
      m.fill(-Infinity);
      l.fill(0);
      acc.fill(0);
      const kEnd = keyEnd(p, q0, q1);
      for (let k0 = 0; k0 < kEnd; k0 += block) {
        const k1 = Math.min(kEnd, k0 + block);
        for (let i = q0; i < q1; i++) {
          const r = i - q0;
          const qo = (bh * Sq + i) * D;
          let rowMax = -Infinity;
          for (let j = k0; j < k1; j++) {
            const s = score(p, q, k, qo, (bh * Sk + j) * D, i, j, mo);
            S[j - k0] = s;
            if (s > rowMax) rowMax = s;
          }
          const mNew = Math.max(m[r], rowMax);
          if (mNew === -Infinity) continue; // nothing visible yet in this row
          const alpha = Math.exp(m[r] - mNew);
          const ar = r * Dv;
          if (alpha !== 1) for (let d = 0; d < Dv; d++) acc[ar + d] *= alpha;
          const rh = dropP > 0 ? rowHash(p.seed, bh, i) : 0;
          let sum = 0;
          for (let j = k0; j < k1; j++) {
            let e = Math.exp(S[j - k0] - mNew);
            sum += e;
            if (dropP > 0) e = keepUniform(rh, j) >= dropP ? e * keepScale : 0;
            if (e === 0) continue;
            const vo = (bh * Sk + j) * Dv;
            for (let d = 0; d < Dv; d++) acc[ar + d] += e * v[vo + d];
          }
          l[r] = l[r] * alpha + sum;
          m[r] = mNew;
        }
      }
      for (let i = q0; i < q1; i++) {
        const r = i - q0;
        const oo = (bh * Sq + i) * Dv;
        // A row with no visible key gives 0/0 = NaN, as softmax over all -inf does.
        for (let d = 0; d < Dv; d++) out[oo + d] = acc[r * Dv + d] / l[r];
        lse[bh * Sq + i] = m[r] + Math.log(l[r]);
      }
    }
  }
}

/**
 * Gradients of the forward, accumulated in float64: dq, dk, dv (zero-filled on entry) and, when
 * given, the score gradient `dmask` `[BH, Sq, Sk]` (the gradient of an additive mask).
 * With P = exp(S - lse), D_i = dO_i . O_i: dV += P^T dO, dS = P (dO V^T - D), dQ = scale dS K,
 * dK = scale dS^T Q (dropout multiplies P and dO V^T by the regenerated keep mask / (1 - p)).
 */
export function flashBackward(
  p: AttnProblem,
  [q, k, v, out, dout]: readonly TypedArray[],
  lse: Float64Array,
  dq: Float64Array,
  dk: Float64Array,
  dv: Float64Array,
  dmask: TypedArray | null,
): void {
  const { BH, Sq, Sk, D, Dv, block, dropP, scale } = p;
  const keepScale = dropP < 1 ? 1 / (1 - dropP) : 0;
  const di = new Float64Array(block);
  for (let bh = 0; bh < BH; bh++) {
    const mo = p.mask ? p.mask.offsets[bh] : 0;
    for (let q0 = 0; q0 < Sq; q0 += block) {
      const q1 = Math.min(Sq, q0 + block);
      for (let i = q0; i < q1; i++) {
        // D_i = dO_i . O_i = sum_j P_ij dP_ij (with dropout too, since O already contains it).
        const oo = (bh * Sq + i) * Dv;
        let s = 0;
        for (let d = 0; d < Dv; d++) s += dout[oo + d] * out[oo + d];
        di[i - q0] = s;
      }
      const kEnd = keyEnd(p, q0, q1);
      for (let k0 = 0; k0 < kEnd; k0 += block) {
        const k1 = Math.min(kEnd, k0 + block);
        for (let i = q0; i < q1; i++) {
          const qo = (bh * Sq + i) * D;
          const oo = (bh * Sq + i) * Dv;
          const li = lse[bh * Sq + i];
          const rh = dropP > 0 ? rowHash(p.seed, bh, i) : 0;
          for (let j = k0; j < k1; j++) {
            const ko = (bh * Sk + j) * D;
            const pij = Math.exp(score(p, q, k, qo, ko, i, j, mo) - li);
            if (pij === 0) {
              if (dmask !== null) dmask[(bh * Sq + i) * Sk + j] = 0;
              continue;
            }
            const vo = (bh * Sk + j) * Dv;
            const dpt = dot(dout, oo, v, vo, Dv);
            const z = dropP > 0 ? (keepUniform(rh, j) >= dropP ? keepScale : 0) : 1;
            const pz = pij * z;
            if (pz !== 0) for (let d = 0; d < Dv; d++) dv[vo + d] += pz * dout[oo + d];
            const ds = pij * (dpt * z - di[i - q0]);
            if (dmask !== null) dmask[(bh * Sq + i) * Sk + j] = ds;
            const g = ds * scale;
            if (g === 0) continue;
            for (let d = 0; d < D; d++) {
              dq[qo + d] += g * k[ko + d];
              dk[ko + d] += g * q[qo + d];
            }
          }
        }
      }
    }
  }
}
