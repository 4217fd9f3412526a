// float32 sum over any set of dims, accumulated in float64 like the js kernel. Two layouts:
// reduced dims innermost (row sums: softmax denominators, means over features) and kept dims
// innermost and contiguous (column sums: bias gradients summed over a batch).

import type { TypedArray } from '../../tensor/dtype.js';
import { reduceKernels as jsReduce } from '../js/reduce.js';
import type { View } from '../types.js';
import { CHUNK, stream, up4 } from './elementwise.js';
import { getScratch, hasSimd } from './runtime.js';
import { flatten, gather, isDense, type Flat } from './strided.js';

const prod = (s: readonly number[]): number => s.reduce((p, n) => p * n, 1);

function part(x: View, idx: readonly number[]): View {
  return { data: x.data, shape: idx.map((i) => x.shape[i]), strides: idx.map((i) => x.strides[i]), offset: x.offset };
}

// out[i] = sum of row i of `xp` (rows of length len, in row-major order of xp).
function rowSums(xp: Flat, rows: number, len: number, out: Float32Array): void {
  const k = stream();
  const scratch = getScratch();
  if (len >= CHUNK) {
    scratch.ensure(CHUNK * 4 + 64);
    const res = CHUNK / 2; // float64 index just past the float32 chunk
    for (let i = 0; i < rows; i++) {
      let acc = 0;
      for (let p = 0; p < len; p += CHUNK) {
        const m = Math.min(CHUNK, len - p);
        gather(xp, i * len + p, m, scratch.f32, 0);
        k.rowsum(0, res * 8, 1, m);
        acc += scratch.f64[res];
      }
      out[i] = acc;
    }
    return;
  }
  const per = Math.max(1, Math.floor(CHUNK / Math.max(len, 1)));
  const res = up4(per * len) / 2;
  scratch.ensure(res * 8 + per * 8);
  const f32 = scratch.f32;
  const f64 = scratch.f64;
  for (let i = 0; i < rows; i += per) {
    const r = Math.min(per, rows - i);
    gather(xp, i * len, r * len, f32, 0);
    k.rowsum(0, res * 8, r, len);
    for (let t = 0; t < r; t++) out[i + t] = f64[res + t];
  }
}

// out[j] = sum over the reduced index i of x[i, j], where each x[i, :] is a contiguous run of
// `width` elements: runs are copied at a pitch of whole vectors and added into float64
// accumulators in the scratch memory.
function colSums(red: Flat, data: TypedArray, rows: number, width: number, out: Float32Array): void {
  const k = stream();
  const scratch = getScratch();
  const pitch = up4(width);
  const per = Math.max(1, Math.floor(CHUNK / pitch));
  const acc = per * pitch * 4; // byte offset of the float64 accumulators
  scratch.ensure(acc + pitch * 8);
  const f32 = scratch.f32;
  const f64 = scratch.f64;
  f64.fill(0, acc / 8, acc / 8 + pitch);
  for (let i = 0; i < rows; i += per) {
    const r = Math.min(per, rows - i);
    for (let t = 0; t < r; t++) {
      const s = indexOf(red, i + t);
      if (width >= 32) f32.set(data.subarray(s, s + width), t * pitch);
      else for (let j = 0; j < width; j++) f32[t * pitch + j] = data[s + j];
    }
    k.colsum(0, acc, r, pitch * 4);
  }
  for (let j = 0; j < width; j++) out[j] = f64[acc / 8 + j];
}

// The data index of element `i` (in row-major order) of a view.
function indexOf(v: Flat, i: number): number {
  let p = v.offset;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    p += (i % v.shape[d]) * v.strides[d];
    i = Math.floor(i / v.shape[d]);
  }
  return p;
}

/** Sum over `dims` (sorted) into `out` (x's shape with those dims set to 1). */
export function sum(x: View, dims: readonly number[], out: TypedArray): void {
  if (!(out instanceof Float32Array && x.data instanceof Float32Array) || !hasSimd()) {
    jsReduce.sum(x, dims, out);
    return;
  }
  if (out.length === 0) return;
  const keptIdx = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const rows = prod(keptIdx.map((i) => x.shape[i]));
  const len = prod(dims.map((i) => x.shape[i]));
  if (len === 0) {
    out.fill(0);
    return;
  }
  const red = flatten(part(x, dims));
  const kept = flatten(part(x, keptIdx));
  if (!isDense(red) && isDense(kept) && rows >= 4) {
    colSums(red, x.data, len, rows, out);
  } else {
    rowSums(flatten(part(x, [...keptIdx, ...dims])), rows, len, out);
  }
}
