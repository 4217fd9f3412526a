// Reference kernels of the fused normalizations. Each row is walked in float64 and each output
// rounded once: softmax in three passes (maximum, sum of exponentials, output), layer norm in
// three (mean, variance about the mean, output). The two-pass variance does not lose the
// variance of rows with a large offset, as sum(x^2)/n - mean^2 would.

import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../types.js';
import { flatten, gather, isContiguousView, moveDimLast, offsets } from './strided.js';

const prod = (s: readonly number[]): number => s.reduce((p, n) => p * n, 1);

/** softmax or logSoftmax of `x` along `dim` into `out` (contiguous, of `x`'s shape). */
export function softmax(x: View, dim: number, log: boolean, out: TypedArray): void {
  const total = out.length;
  if (total === 0) return;
  const n = x.shape.length === 0 ? 1 : x.shape[dim];
  const inner = prod(x.shape.slice(dim + 1));
  const rows = total / n;
  const d = x.data;
  // Data index of element j of row r: contiguous rows along the last dim are the usual case.
  const last = inner === 1 && isContiguousView(x);
  const table = last ? null : offsets(x.shape.length === 0 ? x : moveDimLast(x, dim));
  const e = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    // Output position of element j: rows of the moved view are (outer, inner) pairs.
    const o0 = last ? base : Math.floor(r / inner) * n * inner + (r % inner);
    const step = last ? 1 : inner;
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = table ? d[table[base + j]] : d[x.offset + base + j];
      e[j] = v;
      // A NaN becomes the maximum and stays (PyTorch's amax propagates NaN).
      if (m === m && !(v <= m)) m = v;
    }
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(e[j] - m);
    if (log) {
      const ls = Math.log(s);
      for (let j = 0; j < n; j++) out[o0 + j * step] = e[j] - m - ls;
    } else {
      for (let j = 0; j < n; j++) out[o0 + j * step] = Math.exp(e[j] - m) / s;
    }
  }
}

/** Layer norm over the trailing `k` dims of `x`; see `KernelTable.layerNorm`. */
export function layerNorm(
  x: View,
  k: number,
  weight: View | null,
  bias: View | null,
  eps: number,
  y: TypedArray,
  mean: TypedArray,
  rstd: TypedArray,
): void {
  const n = prod(x.shape.slice(x.shape.length - k));
  const rows = mean.length;
  const d = x.data;
  const contiguous = isContiguousView(x);
  const table = contiguous ? null : offsets(x);
  const w = weight ? gatherAll(weight) : null;
  const b = bias ? gatherAll(bias) : null;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const at = (j: number) => (table ? d[table[base + j]] : d[x.offset + base + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += at(j);
    const mu = s / n;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const c = at(j) - mu;
      ss += c * c;
    }
    const rs = 1 / Math.sqrt(ss / n + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      let v = (at(j) - mu) * rs;
      if (w) v *= w[j];
      if (b) v += b[j];
      y[base + j] = v;
    }
  }
}

// The elements of a small view (a weight or bias) in row-major order, as float64.
function gatherAll(v: View): Float64Array {
  const o = offsets(v);
  const out = new Float64Array(o.length);
  for (let i = 0; i < o.length; i++) out[i] = v.data[o[i]];
  return out;
}

// All elements of a view in row-major order, as float64: the backward kernels read every
// operand once, so one gather beats per-element offset arithmetic.
function dense(v: View): Float64Array {
  const out = new Float64Array(prod(v.shape));
  gather(flatten(v), 0, out.length, out, 0);
  return out;
}

/** Gradient of softmax or logSoftmax along `dim` from its output `y`; see `KernelTable.softmaxBackward`. */
export function softmaxBackward(y: View, dy: View, dim: number, log: boolean, dx: TypedArray): void {
  const total = dx.length;
  if (total === 0) return;
  const n = y.shape.length === 0 ? 1 : y.shape[dim];
  const inner = prod(y.shape.slice(dim + 1));
  const [ys, gs] = [dense(y), dense(dy)];
  const outer = total / (n * inner);
  for (let a = 0; a < outer; a++) {
    for (let i = 0; i < inner; i++) {
      const base = a * n * inner + i;
      let s = 0;
      for (let j = 0, p = base; j < n; j++, p += inner) s += log ? gs[p] : gs[p] * ys[p];
      for (let j = 0, p = base; j < n; j++, p += inner) {
        dx[p] = log ? gs[p] - Math.exp(ys[p]) * s : ys[p] * (gs[p] - s);
      }
    }
  }
}

/** Gradient of layer norm from the saved row statistics; see `KernelTable.layerNormBackward`. */
export function layerNormBackward(
  dy: View,
  x: View,
  mean: TypedArray,
  rstd: TypedArray,
  weight: View | null,
  dx: TypedArray,
  dweight: TypedArray | null,
  dbias: TypedArray | null,
): void {
  const rows = mean.length;
  const n = rows === 0 ? 0 : dx.length / rows;
  const [xs, gs] = [dense(x), dense(dy)];
  const w = weight ? dense(weight) : null;
  const dw = new Float64Array(n);
  const db = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const [mu, rs] = [mean[r], rstd[r]];
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < n; j++) {
      const xh = (xs[base + j] - mu) * rs;
      const d = gs[base + j];
      const g = w ? d * w[j] : d;
      sg += g;
      sgx += g * xh;
      dw[j] += d * xh;
      db[j] += d;
    }
    const [a, b] = [sg / n, sgx / n];
    for (let j = 0; j < n; j++) {
      const xh = (xs[base + j] - mu) * rs;
      const g = w ? gs[base + j] * w[j] : gs[base + j];
      dx[base + j] = rs * (g - a - xh * b);
    }
  }
  dweight?.set(dw);
  dbias?.set(db);
}

/** Gradient of relu from its output: dy where y > 0 or y is NaN, else 0 (PyTorch's rule). */
export function reluBackward(y: View, dy: View, dx: TypedArray): void {
  // Gathering costs more than this one-line loop, so contiguous operands are read in place.
  const direct = (v: View) => (isContiguousView(v) ? { a: v.data, o: v.offset } : { a: dense(v), o: 0 });
  const [{ a: ya, o: yo }, { a: ga, o: go }] = [direct(y), direct(dy)];
  const n = dx.length;
  for (let i = 0; i < n; i++) dx[i] = ya[yo + i] <= 0 ? 0 : ga[go + i];
}
