import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../types.js';

// Copies b[batch] ([K, N], any strides) into a row-major float64 panel, so the inner loop reads
// memory in order whatever the operand's layout (a transposed weight has stride K along N).
function packB(bm: View, batch: number, K: number, N: number, panel: Float64Array): void {
  const [sbb, sbk, sbn] = bm.strides;
  const bd = bm.data;
  for (let k = 0; k < K; k++) {
    const src = bm.offset + batch * sbb + k * sbk;
    const dst = k * N;
    for (let j = 0; j < N; j++) panel[dst + j] = bd[src + j * sbn];
  }
}

/**
 * Batched matrix product on strided operands: `out[b] = a[b] @ bm[b]`, `a: [B, M, K]`,
 * `bm: [B, K, N]`, `out: [B, M, N]` contiguous. Sums run in float64 over k in order, so every
 * output element is `sum_k a[i,k] b[k,j]` accumulated left to right.
 *
 * The loop is the plain i-k-j product with two refinements that keep it readable: B is packed
 * once per batch into a contiguous panel, and rows of A go four at a time so each loaded element
 * of B serves four accumulators (about 2x on conv- and RNN-shaped products on this machine).
 */
export function matmul(a: View, bm: View, out: TypedArray): void {
  const [B, M, K] = a.shape;
  const N = bm.shape[2];
  const [sab, sam, sak] = a.strides;
  const ad = a.data;
  const panel = new Float64Array(K * N);
  const acc = [new Float64Array(N), new Float64Array(N), new Float64Array(N), new Float64Array(N)];
  for (let b = 0; b < B; b++) {
    packB(bm, b, K, N, panel);
    for (let i0 = 0; i0 < M; i0 += 4) {
      const rows = Math.min(4, M - i0);
      const [c0, c1, c2, c3] = acc;
      for (let r = 0; r < rows; r++) acc[r].fill(0);
      const base = a.offset + b * sab + i0 * sam;
      if (rows === 4) {
        for (let k = 0; k < K; k++) {
          const p = base + k * sak;
          const a0 = ad[p];
          const a1 = ad[p + sam];
          const a2 = ad[p + 2 * sam];
          const a3 = ad[p + 3 * sam];
          const off = k * N;
          for (let j = 0; j < N; j++) {
            const v = panel[off + j];
            c0[j] += a0 * v;
            c1[j] += a1 * v;
            c2[j] += a2 * v;
            c3[j] += a3 * v;
          }
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const c = acc[r];
          const rowBase = base + r * sam;
          for (let k = 0; k < K; k++) {
            const ar = ad[rowBase + k * sak];
            const off = k * N;
            for (let j = 0; j < N; j++) c[j] += ar * panel[off + j];
          }
        }
      }
      for (let r = 0; r < rows; r++) out.set(acc[r], (b * M + i0 + r) * N);
    }
  }
}
