// Max pooling on the wasm backend: the argmax of every window in wasm, and the value lookup
// and its gradient (a gather and a scatter-add along the flattened plane) in JavaScript.

import type { TypedArray } from '../../tensor/dtype.js';
import { maxPoolIndices as jsMaxPoolIndices } from '../js/conv.js';
import type { PoolTaps, View } from '../types.js';
import { poolModule } from './maxpool-codegen.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';
import { flatten, gather as stage } from './strided.js';

type MaxPool = (...args: number[]) => void;

/** Input elements per call: about 1 MB of float32 planes at a time. */
const CHUNK = 1 << 18;

const up16 = (n: number): number => Math.ceil(n / 16) * 16;
const prod = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

let mod: { maxpoolf32: MaxPool; maxpoolf64: MaxPool; maxpoolvf32: MaxPool } | undefined;

// The max-pool module, compiled on first use (under 4 KB, so browsers compile it synchronously).
function poolKernels() {
  mod ??= instantiate(poolModule()) as unknown as typeof mod & object;
  return mod;
}

// Flat in-plane offsets of every window's taps, `-1` in the padding: for the vector kernel
// `[group of 4 windows][tap][4]` (windows past the end are all padding), for the scalar one
// the per-dim offsets. `size`, `outSize`, `width` and `taps` are lifted to three dims.
function windowTable(size: number[], outSize: number[], width: number[], taps: Int32Array[]): Int32Array {
  const [, H, W] = size;
  const [oD, oH, oW] = outSize;
  const [wD, wH, wW] = width;
  const T = wD * wH * wW;
  const P = oD * oH * oW;
  const tbl = new Int32Array(Math.ceil(P / 4) * 4 * T).fill(-1);
  let j = 0;
  for (let od = 0; od < oD; od++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++, j++) {
        let t = 0;
        for (let a = 0; a < wD; a++) {
          const id = taps[0][od * wD + a];
          for (let b = 0; b < wH; b++) {
            const ih = taps[1][oh * wH + b];
            for (let e = 0; e < wW; e++, t++) {
              const iw = taps[2][ow * wW + e];
              if (id >= 0 && ih >= 0 && iw >= 0) tbl[((j >> 2) * T + t) * 4 + (j & 3)] = (id * H + ih) * W + iw;
            }
          }
        }
      }
    }
  }
  return tbl;
}

/**
 * Tuning knobs: `maxTable` is the largest window table (int32 entries) the float32 vector
 * max-pool kernel builds; past it the scalar kernel runs (tests set it to 0 to cover that path).
 */
export const convTuning = { maxTable: 1 << 20 };

/**
 * Max-pool argmax on the wasm backend: the per-plane flat index of the largest tap of every
 * window, with the js kernel's tie and NaN rules. float32 runs four windows per vector,
 * float64 a scalar kernel; other dtypes use js.
 */
export function maxPoolIndices(x: View, p: PoolTaps, out: Int32Array): void {
  const es = x.data instanceof Float32Array ? 4 : x.data instanceof Float64Array ? 8 : 0;
  if (es === 0 || !hasSimd() || out.length === 0 || p.width.some((w) => w < 1)) {
    jsMaxPoolIndices(x, p, out);
    return;
  }
  const [N, C] = x.shape;
  const pre = 5 - x.shape.length;
  const lift = <T>(a: readonly T[], fill: T) => [...new Array<T>(pre).fill(fill), ...a];
  const size = lift(x.shape.slice(2), 1);
  const outSize = lift(p.outSize, 1);
  const width = lift(p.width, 1);
  const taps = lift(p.taps, Int32Array.of(0));
  const plane = prod(size);
  const P = prod(outSize);
  const T = prod(width);
  const vector = es === 4 && Math.ceil(P / 4) * 4 * T <= convTuning.maxTable;
  const P4 = vector ? Math.ceil(P / 4) * 4 : P; // output slots per plane in scratch
  const planes = N * C;
  const chunk = Math.min(planes, Math.max(1, Math.floor(CHUNK / Math.max(plane, P4))));
  // Scratch: the window table (vector) or per-dim tap offsets (scalar) | input | output.
  let table: Int32Array;
  const tapOff = [0, 0, 0];
  if (vector) {
    table = windowTable(size, outSize, width, taps);
  } else {
    const unit = [size[1] * size[2], size[2], 1];
    const parts = taps.map((t, d) => t.map((v) => (v < 0 ? -1 : v * unit[d])));
    table = new Int32Array(parts.reduce((n, t) => n + up16(t.length), 0));
    for (let d = 0, at = 0; d < 3; at += up16(parts[d].length), d++) {
      table.set(parts[d], at);
      tapOff[d] = at * 4;
    }
  }
  const inOff = up16(table.length * 4);
  const outOff = inOff + up16(chunk * plane * es);
  const scratch = getScratch();
  scratch.ensure(outOff + chunk * P4 * 4);
  const i32 = new Int32Array(scratch.f32.buffer);
  i32.set(table, 0);
  const flat = flatten(x);
  const mem = es === 4 ? scratch.f32 : scratch.f64;
  const k = poolKernels();
  for (let q = 0; q < planes; q += chunk) {
    const m = Math.min(chunk, planes - q);
    stage(flat, q * plane, m * plane, mem, inOff / es);
    if (vector) k.maxpoolvf32(inOff, outOff, m, plane * es, 0, P4 / 4, T);
    else {
      const run = es === 4 ? k.maxpoolf32 : k.maxpoolf64;
      run(
        inOff,
        outOff,
        m,
        plane * es,
        outSize[0],
        tapOff[0],
        width[0],
        outSize[1],
        tapOff[1],
        width[1],
        outSize[2],
        tapOff[2],
        width[2],
      );
    }
    if (P4 === P) out.set(i32.subarray(outOff / 4, outOff / 4 + m * P), q * P);
    else for (let i = 0; i < m; i++) out.set(i32.subarray(outOff / 4 + i * P4, outOff / 4 + i * P4 + P), (q + i) * P);
  }
}

// Max pooling's value lookup and its gradient are a gather along the flattened plane and a
// scatter-add back into it. Random access gains nothing from a round trip through the wasm
// memory, so these run in JavaScript, without the js kernels' per-element offset tables:
// an odometer over every dim but the last and a flat loop along it.

// The base offsets of every row (all dims but the last, row-major) of `shape` in three strided
// layouts, as three Int32Arrays: one small table per call instead of one entry per element.
function rowBases(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
): Int32Array[] {
  const nd = shape.length;
  const rows = prod(shape.slice(0, nd - 1));
  const bases = strides.map(() => new Int32Array(rows));
  const pos = new Array<number>(nd).fill(0);
  const cur = [...offsets];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cur.length; k++) bases[k][r] = cur[k];
    for (let d = nd - 2; d >= 0; d--) {
      for (let k = 0; k < cur.length; k++) cur[k] += strides[k][d];
      if (++pos[d] < shape[d]) break;
      for (let k = 0; k < cur.length; k++) cur[k] -= strides[k][d] * shape[d];
      pos[d] = 0;
    }
  }
  return bases;
}

/** `out[p] = x[p with coordinate dim := index[p]]` (same results as the js kernel). */
export function gather(x: View, dim: number, index: View, out: TypedArray): void {
  const last = index.shape.length - 1;
  const xs = x.strides.map((s, i) => (i === dim ? 0 : s));
  const [xb, ib] = rowBases(index.shape, [xs, index.strides], [x.offset, index.offset]);
  const [xStep, xDim, iStep] = [xs[last], x.strides[dim], index.strides[last]];
  const [xd, id] = [x.data, index.data];
  const len = index.shape[last];
  if (xStep === 0 && iStep === 1 && xDim === 1) {
    // Max pooling's case: indices along a contiguous last dim.
    for (let r = 0, p = 0; r < xb.length; r++) {
      const xr = xb[r];
      for (let j = ib[r], end = j + len; j < end; j++, p++) out[p] = xd[xr + id[j]];
    }
    return;
  }
  for (let r = 0, p = 0; r < xb.length; r++) {
    const [xr, ir] = [xb[r], ib[r]];
    for (let j = 0; j < len; j++, p++) out[p] = xd[xr + j * xStep + id[ir + j * iStep] * xDim];
  }
}

/** `out[p with coordinate dim := index[p]] (+)= src[p]`, in the js kernel's order. */
export function scatter(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: View,
  src: View,
  add: boolean,
): void {
  const nd = index.shape.length;
  const last = nd - 1;
  const os = new Array<number>(nd);
  for (let i = nd - 1, s = 1; i >= 0; i--) {
    os[i] = s;
    s *= Math.max(1, outShape[i]);
  }
  const oDim = os[dim];
  os[dim] = 0;
  const [ob, ib, sb] = rowBases(index.shape, [os, index.strides, src.strides], [0, index.offset, src.offset]);
  const [oStep, iStep, sStep] = [os[last], index.strides[last], src.strides[last]];
  const [id, sd] = [index.data, src.data];
  const len = index.shape[last];
  if (add && oStep === 0 && oDim === 1 && iStep === 1 && sStep === 1) {
    // Max pooling's gradient: indices and values along contiguous last dims.
    for (let r = 0; r < ob.length; r++) {
      const [or, d] = [ob[r], sb[r] - ib[r]];
      for (let j = ib[r], end = j + len; j < end; j++) out[or + id[j]] += sd[j + d];
    }
    return;
  }
  for (let r = 0; r < ob.length; r++) {
    const [or, ir, sr] = [ob[r], ib[r], sb[r]];
    if (add) for (let j = 0; j < len; j++) out[or + j * oStep + id[ir + j * iStep] * oDim] += sd[sr + j * sStep];
    else for (let j = 0; j < len; j++) out[or + j * oStep + id[ir + j * iStep] * oDim] = sd[sr + j * sStep];
  }
}
