// What both attention paths share: their configuration, the counter-based dropout mask (a pure
// function of seed, head, row and column, so the blocked path regenerates any tile of it in
// backward instead of storing Sq x Sk bits, and both paths drop the same weights), the causal
// mask, and the plain composite `softmax(q k^T scale + mask) v`.
import { where } from '../../ops/elementwise.js';
import { softmax } from '../../ops/softmax.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';

/** Everything but the tensors. */
export interface AttnConfig {
  scale: number;
  /** Key j is visible from query i iff j <= i + causalOffset; null = no causal mask. */
  causalOffset: number | null;
  dropP: number;
  /** Seed of the dropout mask (drawn from the generator once per call). */
  seed: number;
  /** Tile size of the blocked path. */
  block: number;
}

// A 32-bit integer mixer (the "lowbias32" finalizer).
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The dropout multiplier (`1 / (1 - p)` if kept, else 0) of the weights of rows `i0 .. i0 + rows`
 * and columns `j0 .. j0 + cols`, `[...batch, rows, cols]`; head `bh` is the flattened batch index.
 */
export function dropoutTile(
  batch: readonly number[],
  i0: number,
  rows: number,
  j0: number,
  cols: number,
  c: AttnConfig,
  dtype: DType,
): Tensor {
  const BH = batch.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, BH * rows * cols);
  const keepScale = c.dropP < 1 ? 1 / (1 - c.dropP) : 0;
  for (let bh = 0; bh < BH; bh++) {
    const hh = mix32(c.seed ^ Math.imul(bh + 1, 0x9e3779b1));
    for (let r = 0; r < rows; r++) {
      const rh = mix32(hh ^ Math.imul(i0 + r + 1, 0x85ebca6b));
      const o = (bh * rows + r) * cols;
      for (let s = 0; s < cols; s++) {
        const u = mix32(rh ^ Math.imul(j0 + s + 1, 0xc2b2ae35)) / 4294967296;
        data[o + s] = u >= c.dropP ? keepScale : 0;
      }
    }
  }
  return fromArray(data, [...batch, rows, cols], dtype);
}

/**
 * `[rows, cols]` bool, true where key `j0 + s` is hidden from query `i0 + r` under the causal
 * offset (`j > i + offset`).
 */
export function causalBlocked(i0: number, rows: number, j0: number, cols: number, offset: number): Tensor {
  const data = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let s = Math.max(0, i0 + r + offset + 1 - j0); s < cols; s++) data[r * cols + s] = 1;
  }
  return fromArray(data, [rows, cols], 'bool');
}

/** Scores with the causal mask and `mask` (bool keep-mask or float, already tiled) applied. */
export function maskScores(s: Tensor, mask: Tensor | null, c: AttnConfig, i0: number, j0: number): Tensor {
  const [rows, cols] = s.shape.slice(-2);
  if (c.causalOffset !== null && j0 + cols - 1 > i0 + c.causalOffset) {
    s = s.maskedFill(causalBlocked(i0, rows, j0, cols, c.causalOffset), -Infinity);
  }
  if (mask !== null) s = mask.dtype === 'bool' ? s.maskedFill(mask.logicalNot(), -Infinity) : s.add(mask);
  return s;
}

/**
 * `[...batch, Sq, 1]` bool, false for the query rows whose scores are all -inf (no visible key),
 * or null when every row sees a key (the usual case, which then runs the plain softmax). Only a
 * mask or a negative causal offset can hide a whole row. NaN scores count as visible, so NaN
 * inputs still give NaN.
 */
export function rowsThatSeeAKey(s: Tensor, mask: Tensor | null, c: AttnConfig): Tensor | null {
  if (mask === null && (c.causalOffset === null || c.causalOffset >= 0)) return null;
  // One row max (NaN if the row has one) is cheaper than comparing every score: 1.0 vs 1.3 ms of
  // a 7.5 ms masked forward at [8, 4, 64, 64] scores, js backend.
  const hidden = s.detach().amax(-1, { keepdim: true }).eq(-Infinity);
  return hidden.any().item() ? hidden.logicalNot() : null;
}

/**
 * Plain attention, `softmax(q k^T scale + mask) v`, as a composite of ops, on q
 * `[...batch, Sq, D]`, k and v broadcast to the batch, mask `[...batch, Sq, Sk]`; returns the
 * output and the attention weights (after dropout). A query row that sees no key gets weights
 * and output 0 and no gradient (PyTorch 2.5+'s math path; 1.13 gives NaN). Used for short
 * sequences, for weights, and to differentiate the blocked primitive a second time.
 */
export function mathAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, c: AttnConfig): [Tensor, Tensor] {
  // Scaling q (Sq x D) instead of the scores (Sq x Sk) is the cheaper multiply, as PyTorch does.
  const s = maskScores(q.mul(c.scale).matmul(k.transpose(-2, -1)), mask, c, 0, 0);
  const seen = rowsThatSeeAKey(s, mask, c);
  // A hidden row's scores are replaced before the softmax (all -inf would give NaN, also in
  // the gradient), and its weights zeroed after: output 0, gradient 0.
  let w = seen ? where(seen, softmax(where(seen, s, 0), -1), 0) : softmax(s, -1);
  const [Sq, Sk] = s.shape.slice(-2);
  if (c.dropP > 0) w = w.mul(dropoutTile(s.shape.slice(0, -2), 0, Sq, 0, Sk, c, w.dtype));
  return [w.matmul(v), w];
}
