import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../types.js';

/**
 * Batched matrix product on strided operands: `out[b] = a[b] @ bm[b]`, `a: [B, M, K]`,
 * `bm: [B, K, N]`, `out: [B, M, N]` contiguous. Rows accumulate in float64.
 */
export function matmul(a: View, bm: View, out: TypedArray): void {
  const [B, M, K] = a.shape;
  const N = bm.shape[2];
  const [sab, sam, sak] = a.strides;
  const [sbb, sbk, sbn] = bm.strides;
  const ad = a.data;
  const bd = bm.data;
  const acc = new Float64Array(N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      const aRow = a.offset + b * sab + i * sam;
      for (let k = 0; k < K; k++) {
        const aik = ad[aRow + k * sak];
        const bRow = bm.offset + b * sbb + k * sbk;
        for (let j = 0; j < N; j++) acc[j] += aik * bd[bRow + j * sbn];
      }
      out.set(acc, (b * M + i) * N);
    }
  }
}
