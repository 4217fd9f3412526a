// float32 softmax, logSoftmax and layer norm: whole rows are gathered into the scratch memory
// a chunk at a time (about 64 KB of values), one wasm call runs all three passes over each row
// while it sits in L1, and the results are copied out. Other dtypes use the js kernels.

import type { TypedArray } from '../../tensor/dtype.js';
import {
  layerNorm as jsLayerNorm,
  layerNormBackward as jsLayerNormBackward,
  reluBackward as jsReluBackward,
  softmax as jsSoftmax,
  softmaxBackward as jsSoftmaxBackward,
} from '../js/norm.js';
import { moveDimLast } from '../js/strided.js';
import type { View } from '../types.js';
import { normBackwardModule } from './norm-backward-codegen.js';
import { normModule } from './norm-codegen.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';
import { flatten, gather } from './strided.js';

type Rows = (x: number, out: number, rows: number, n: number) => void;
type LayerNormRows = (
  x: number,
  y: number,
  w: number,
  b: number,
  means: number,
  rstds: number,
  rows: number,
  n: number,
  eps: number,
) => void;

interface NormKernels {
  softmax: Rows;
  logsoftmax: Rows;
  layernorm: LayerNormRows;
}

let mod: NormKernels | undefined;

/** The row kernels, compiled on first use (the module is under browsers' 4 KB sync limit). */
export function normKernels(): NormKernels {
  mod ??= instantiate(normModule()) as unknown as NormKernels;
  return mod;
}

/** Values gathered per call. */
const CHUNK = 16384;
// Byte size of `count` float32 values plus the 16 bytes a kernel may touch past the end.
const region = (count: number) => ((count + 3) & ~3) * 4 + 16;
const prod = (s: readonly number[]) => s.reduce((p, n) => p * n, 1);
const f32 = (v: View | null) => v === null || v.data instanceof Float32Array;

/** softmax or logSoftmax along `dim` (see `KernelTable.softmax`). */
export function softmax(x: View, dim: number, log: boolean, out: TypedArray): void {
  if (!(out instanceof Float32Array && f32(x)) || !hasSimd()) {
    jsSoftmax(x, dim, log, out);
    return;
  }
  const total = out.length;
  if (total === 0) return;
  const n = x.shape.length === 0 ? 1 : x.shape[dim];
  const inner = prod(x.shape.slice(dim + 1));
  const rows = flatten(x.shape.length === 0 ? x : moveDimLast(x, dim));
  const per = Math.max(1, Math.floor(CHUNK / n));
  const run = log ? normKernels().logsoftmax : normKernels().softmax;
  const outAt = region(per * n);
  const scratch = getScratch();
  scratch.ensure(2 * outAt);
  const mem = scratch.f32;
  const o = outAt / 4;
  const count = total / n;
  for (let r0 = 0; r0 < count; r0 += per) {
    const r = Math.min(per, count - r0);
    gather(rows, r0 * n, r * n, mem, 0);
    run(0, outAt, r, n);
    if (inner === 1) {
      out.set(mem.subarray(o, o + r * n), r0 * n);
      continue;
    }
    // Row (a, i) of the moved view belongs at a * n * inner + j * inner + i of `out`.
    for (let t = 0; t < r; t++) {
      const row = r0 + t;
      const base = Math.floor(row / inner) * n * inner + (row % inner);
      for (let j = 0; j < n; j++) out[base + j * inner] = mem[o + t * n + j];
    }
  }
}

/** Layer norm over the trailing `k` dims (see `KernelTable.layerNorm`). */
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
  const f32Out = y instanceof Float32Array && mean instanceof Float32Array && rstd instanceof Float32Array;
  if (!(f32Out && f32(x) && f32(weight) && f32(bias)) || !hasSimd()) {
    jsLayerNorm(x, k, weight, bias, eps, y, mean, rstd);
    return;
  }
  const rows = mean.length;
  if (rows === 0) return;
  const n = prod(x.shape.slice(x.shape.length - k));
  const per = Math.max(1, Math.floor(CHUNK / Math.max(n, 1)));
  const run = normKernels().layernorm;
  // Scratch layout: x rows, y rows, weight, bias, means, rstds.
  const yAt = region(per * n);
  const wAt = 2 * yAt;
  const bAt = wAt + region(n);
  const mAt = bAt + region(n);
  const sAt = mAt + region(per);
  const scratch = getScratch();
  scratch.ensure(sAt + region(per));
  const mem = scratch.f32;
  const param = (v: View | null, at: number, fill: number) => {
    if (v) gather(flatten(v), 0, n, mem, at / 4);
    else mem.fill(fill, at / 4, at / 4 + n);
  };
  param(weight, wAt, 1);
  param(bias, bAt, 0);
  const fx = flatten(x);
  for (let r0 = 0; r0 < rows; r0 += per) {
    const r = Math.min(per, rows - r0);
    gather(fx, r0 * n, r * n, mem, 0);
    run(0, yAt, wAt, bAt, mAt, sAt, r, n, eps);
    y.set(mem.subarray(yAt / 4, yAt / 4 + r * n), r0 * n);
    mean.set(mem.subarray(mAt / 4, mAt / 4 + r), r0);
    rstd.set(mem.subarray(sAt / 4, sAt / 4 + r), r0);
  }
}

type BackwardKernels = {
  softmaxbwd: (y: number, dy: number, dx: number, rows: number, n: number) => void;
  logsoftmaxbwd: (y: number, dy: number, dx: number, rows: number, n: number) => void;
  layernormbwd: (...args: number[]) => void;
  relubwd: (y: number, dy: number, dx: number, count: number) => void;
};
let bwd: BackwardKernels | undefined;
const backwardKernels = (): BackwardKernels => {
  bwd ??= instantiate(normBackwardModule()) as unknown as BackwardKernels;
  return bwd;
};

/** Gradient of softmax or logSoftmax along `dim` (see `KernelTable.softmaxBackward`). */
export function softmaxBackward(y: View, dy: View, dim: number, log: boolean, dx: TypedArray): void {
  if (!(dx instanceof Float32Array && f32(y) && f32(dy)) || !hasSimd()) {
    jsSoftmaxBackward(y, dy, dim, log, dx);
    return;
  }
  const total = dx.length;
  if (total === 0) return;
  const n = y.shape.length === 0 ? 1 : y.shape[dim];
  const inner = prod(y.shape.slice(dim + 1));
  const last = (v: View) => flatten(v.shape.length === 0 ? v : moveDimLast(v, dim));
  const [fy, fg] = [last(y), last(dy)];
  const per = Math.max(1, Math.floor(CHUNK / n));
  const run = log ? backwardKernels().logsoftmaxbwd : backwardKernels().softmaxbwd;
  const at = region(per * n);
  const scratch = getScratch();
  scratch.ensure(3 * at);
  const mem = scratch.f32;
  const o = (2 * at) / 4;
  const count = total / n;
  for (let r0 = 0; r0 < count; r0 += per) {
    const r = Math.min(per, count - r0);
    gather(fy, r0 * n, r * n, mem, 0);
    gather(fg, r0 * n, r * n, mem, at / 4);
    run(0, at, 2 * at, r, n);
    if (inner === 1) {
      dx.set(mem.subarray(o, o + r * n), r0 * n);
      continue;
    }
    for (let t = 0; t < r; t++) {
      const row = r0 + t;
      const base = Math.floor(row / inner) * n * inner + (row % inner);
      for (let j = 0; j < n; j++) dx[base + j * inner] = mem[o + t * n + j];
    }
  }
}

/** Layer norm gradient (see `KernelTable.layerNormBackward`). */
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
  const f32Arrays = [mean, rstd, dx, dweight, dbias].every((a) => a === null || a instanceof Float32Array);
  if (!(f32Arrays && f32(dy) && f32(x) && f32(weight)) || !hasSimd()) {
    jsLayerNormBackward(dy, x, mean, rstd, weight, dx, dweight, dbias);
    return;
  }
  const rows = mean.length;
  const n = rows === 0 ? 0 : dx.length / rows;
  if (n === 0) return;
  const per = Math.max(1, Math.floor(CHUNK / n));
  // Scratch layout: x rows, dy rows, dx rows, weight, means, rstds, then the float64 sums.
  const rowBytes = region(per * n);
  const wAt = 3 * rowBytes;
  const mAt = wAt + region(n);
  const sAt = mAt + region(per);
  const dwAt = sAt + region(per);
  const dbAt = dwAt + ((8 * n + 31) & ~15);
  const scratch = getScratch();
  scratch.ensure(dbAt + 8 * n + 16);
  const mem = scratch.f32;
  if (weight) gather(flatten(weight), 0, n, mem, wAt / 4);
  else mem.fill(1, wAt / 4, wAt / 4 + n);
  new Float64Array(mem.buffer, dwAt, (dbAt - dwAt) / 8 + n).fill(0);
  const [fx, fg] = [flatten(x), flatten(dy)];
  const run = backwardKernels().layernormbwd;
  for (let r0 = 0; r0 < rows; r0 += per) {
    const r = Math.min(per, rows - r0);
    gather(fx, r0 * n, r * n, mem, 0);
    gather(fg, r0 * n, r * n, mem, rowBytes / 4);
    mem.set(mean.subarray(r0, r0 + r), mAt / 4);
    mem.set(rstd.subarray(r0, r0 + r), sAt / 4);
    run(0, rowBytes, wAt, mAt, sAt, 2 * rowBytes, dwAt, dbAt, r, n);
    dx.set(mem.subarray((2 * rowBytes) / 4, (2 * rowBytes) / 4 + r * n), r0 * n);
  }
  dweight?.set(new Float64Array(mem.buffer, dwAt, n));
  dbias?.set(new Float64Array(mem.buffer, dbAt, n));
}

/** Gradient of relu from its output (see `KernelTable.reluBackward`). */
export function reluBackward(y: View, dy: View, dx: TypedArray): void {
  if (!(dx instanceof Float32Array && f32(y) && f32(dy)) || !hasSimd()) {
    jsReluBackward(y, dy, dx);
    return;
  }
  const total = dx.length;
  const at = region(CHUNK);
  const scratch = getScratch();
  scratch.ensure(3 * at);
  const mem = scratch.f32;
  const [fy, fg] = [flatten(y), flatten(dy)];
  const o = (2 * at) / 4;
  const run = backwardKernels().relubwd;
  for (let s = 0; s < total; s += CHUNK) {
    const c = Math.min(CHUNK, total - s);
    gather(fy, s, c, mem, 0);
    gather(fg, s, c, mem, at / 4);
    run(0, at, 2 * at, c);
    dx.set(mem.subarray(o, o + c), s);
  }
}
