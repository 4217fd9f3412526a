// Convolution kernels on the wasm backend: im2col and col2im (maxpool.ts has max pooling's).
// Operands are staged contiguously in the scratch memory (only the input rows a tile of
// output rows reads), the generated functions walk one kernel tap at a time, and results are
// copied out in chunks small enough to stay in L2. The js kernels remain the fallback for bool
// data and runtimes without SIMD.

import type { TypedArray } from '../../tensor/dtype.js';
import { col2im as jsCol2im, im2col as jsIm2col } from '../js/conv.js';
import type { PatchGeometry, View } from '../types.js';
import { convModule } from './conv-codegen.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';
import { flatten, gather as stage } from './strided.js';

type Walk = (...args: number[]) => void;

interface ConvKernels {
  im2col4: Walk;
  im2col8: Walk;
  im2colSpan4: Walk;
  im2colSpan8: Walk;
  col2imf32: Walk;
  col2imf64: Walk;
}

let mod: ConvKernels | undefined;

/** The convolution module, compiled on first use (under 4 KB, so browsers compile it synchronously). */
export function convKernels(): ConvKernels {
  mod ??= instantiate(convModule()) as unknown as ConvKernels;
  return mod;
}

/** Elements per output chunk: 1 MB of float32. */
const CHUNK = 1 << 18;

/** Inputs staged whole larger than this (bytes) stay with the js kernel, bounding the scratch memory. */
const MAX_STAGED = 1 << 27;

const up16 = (n: number): number => Math.ceil(n / 16) * 16;
const prod = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

// Element size when `a` and `b` are the same float or int32 array type (bits are moved, so
// int32 works for im2col too), else 0 (also without SIMD).
function elementSize(a: TypedArray, b: TypedArray): 0 | 4 | 8 {
  if (a.constructor !== b.constructor || !hasSimd()) return 0;
  if (a instanceof Float32Array || a instanceof Int32Array) return 4;
  return a instanceof Float64Array ? 8 : 0;
}

/** A problem lifted to three spatial dims (size-1 dims prepended), tile on real dim 0. */
interface Lifted {
  pre: number; // the lifted index of the first real spatial dim
  size: number[];
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  first: number[];
  count: number[];
}

function lift(shape: readonly number[], g: PatchGeometry): Lifted {
  const pre = 5 - shape.length;
  const pick = (a: readonly number[], fill: number) => [...new Array<number>(pre).fill(fill), ...a];
  const first = [0, 0, 0];
  const count = pick(g.outSize, 1);
  first[pre] = g.first;
  count[pre] = g.count;
  return {
    pre,
    size: pick(shape.slice(2), 1),
    k: pick(g.kernel, 1),
    s: pick(g.stride, 1),
    p: pick(g.padding, 0),
    d: pick(g.dilation, 1),
    first,
    count,
  };
}

// The rows [r0, r1) of real spatial dim 0 that the tile's blocks read (empty when r1 <= r0).
function slab(L: Lifted): [number, number] {
  const i = L.pre;
  const lo = L.first[i] * L.s[i] - L.p[i];
  const hi = (L.first[i] + L.count[i] - 1) * L.s[i] - L.p[i] + (L.k[i] - 1) * L.d[i] + 1;
  return [Math.max(0, lo), Math.min(L.size[i], hi)];
}

// The blocks `o` in [0, n) whose tap `o * s + off` lands inside [0, size): [lo, hi).
function validRange(off: number, s: number, size: number, n: number): [number, number] {
  const lo = off >= 0 ? 0 : Math.min(n, Math.ceil(-off / s));
  const hi = size - 1 - off < 0 ? 0 : Math.min(n, Math.floor((size - 1 - off) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Calls `walk` once per kernel tap `r = (c, a, b, e)` in `[r0, r1)`, with the loop parameters
 * of conv-codegen's `patchWalk` and the in-range rows `im2colSpan` takes (others ignore them). `img(c)` is the byte address of channel c's plane (batch 0,
 * full dim-0 coordinates), `nStride` the bytes between batch items, `cols` the byte address
 * of row r0's columns; image strides are those of a contiguous `[..., D, H, W]` block whose
 * dim-0 extent is `rowsD`.
 */
function walkTaps(
  walk: Walk,
  L: Lifted,
  N: number,
  es: number,
  r0: number,
  r1: number,
  img: (c: number) => number,
  nStride: number,
  cols: number,
): void {
  const [D, H, W] = L.size;
  const [kD, kH, kW] = L.k;
  const [oD, oH, oW] = L.count;
  const K = kD * kH * kW;
  const hStride = W * es;
  const dStride = H * hStride;
  const rowBytes = N * oD * oH * oW * es;
  for (let r = r0; r < r1; r++, cols += rowBytes) {
    const c = Math.floor(r / K);
    const e = r % kW;
    const b = Math.floor(r / kW) % kH;
    const a = Math.floor(r / (kW * kH)) % kD;
    const offW = L.first[2] * L.s[2] + e * L.d[2] - L.p[2];
    const [lo, hi] = validRange(offW, L.s[2], W, oW);
    const ih0 = L.first[1] * L.s[1] - L.p[1] + b * L.d[1];
    // Rows in range when the H stride is 1 (only im2colSpan reads these two).
    const ohLo = Math.min(oH, Math.max(0, -ih0));
    const ohHi = Math.max(ohLo, Math.min(oH, H - ih0));
    walk(
      cols,
      img(c),
      N,
      nStride,
      oD,
      L.first[0] * L.s[0] - L.p[0] + a * L.d[0],
      L.s[0],
      D,
      dStride,
      oH,
      ih0,
      L.s[1],
      H,
      hStride,
      (offW + lo * L.s[2]) * es,
      lo * es,
      hi - lo,
      (oW - hi) * es,
      L.s[2] * es,
      ohLo,
      ohHi,
    );
  }
}

/**
 * im2col on the wasm backend: columns `[C, ...kernel, N, count, ...outSize[1:]]` of `x`, the
 * same values as the js kernel (bits are copied). float32, float64 and int32; bool uses js.
 */
export function im2col(x: View, g: PatchGeometry, out: TypedArray): void {
  const es = elementSize(x.data, out);
  if (es === 0 || out.length === 0) {
    jsIm2col(x, g, out);
    return;
  }
  const [N, C] = x.shape;
  const L = lift(x.shape, g);
  const [s0, s1] = slab(L);
  const rows = Math.max(0, s1 - s0);
  const size = [...L.size];
  size[L.pre] = rows;
  const plane = prod(size); // staged elements per (n, c)
  if (N * C * plane * es > MAX_STAGED) {
    jsIm2col(x, g, out);
    return;
  }
  const K = prod(L.k);
  const perRow = N * prod(L.count);
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / perRow));
  // Unit strides along H and W with rows as long as the image's: whole spans per (n, od),
  // read with guard bytes on both sides (see im2colSpan).
  const span = L.s[1] === 1 && L.s[2] === 1 && L.count[2] === L.size[2];
  const guard = span ? up16((L.p[2] + (L.k[2] - 1) * L.d[2] + 1) * es) : 0;
  const inOff = guard;
  const outOff = up16(inOff + N * C * plane * es + guard);
  const scratch = getScratch();
  scratch.ensure(outOff + Math.min(C * K, rowsPerChunk) * perRow * es);
  const mem = es === 8 ? scratch.f64 : elemView(scratch, out);
  if (plane > 0) {
    // x restricted to the slab, in row-major order.
    const sd = x.strides[2];
    const v = {
      data: x.data,
      shape: [N, C, rows, ...x.shape.slice(3)],
      strides: x.strides,
      offset: x.offset + s0 * sd,
    };
    stage(flatten(v), 0, N * C * plane, mem, inOff / es);
  }
  // Address of dim-0 row 0 of channel c: the staged slab starts at row s0.
  const dimStride = prod(size.slice(L.pre + 1)) * es;
  const img = (c: number) => inOff + c * plane * es - s0 * dimStride;
  const k = convKernels();
  const walk = es === 4 ? (span ? k.im2colSpan4 : k.im2col4) : span ? k.im2colSpan8 : k.im2col8;
  const o = outOff / es;
  for (let r0 = 0; r0 < C * K; r0 += rowsPerChunk) {
    const r1 = Math.min(C * K, r0 + rowsPerChunk);
    if (plane > 0) walkTaps(walk, L, N, es, r0, r1, img, C * plane * es, outOff);
    else mem.fill(0, o, o + (r1 - r0) * perRow);
    out.set(mem.subarray(o, o + (r1 - r0) * perRow), r0 * perRow);
  }
}

// A 4-byte-element view of the scratch memory of the same type as `like`.
function elemView(scratch: ReturnType<typeof getScratch>, like: TypedArray): Float32Array | Int32Array {
  return like instanceof Int32Array ? new Int32Array(scratch.f32.buffer) : scratch.f32;
}

/**
 * col2im on the wasm backend: adds `cols` (`[C * prod(kernel), N, blocks]`, any strides) into
 * `out` (contiguous `[N, C, ...spatial]`, holding the base). float32 and float64, with the js
 * kernel's summation order (so the same bits); other dtypes use js.
 */
export function col2im(cols: View, g: PatchGeometry, outShape: readonly number[], out: TypedArray): void {
  const es = elementSize(cols.data, out);
  if (es === 0 || out instanceof Int32Array || out.length === 0 || cols.shape[0] * cols.shape[1] === 0) {
    jsCol2im(cols, g, outShape, out);
    return;
  }
  const [N, C] = outShape;
  const L = lift(outShape, g);
  const [s0, s1] = slab(L);
  if (s1 <= s0) return; // every block lies in the padding
  const full = prod(L.size);
  const dimStride = prod(L.size.slice(L.pre + 1));
  const part = (s1 - s0) * dimStride; // elements of each (n, c) plane the tile touches
  if (N * C * part * es > MAX_STAGED) {
    jsCol2im(cols, g, outShape, out);
    return;
  }
  const K = prod(L.k);
  const perRow = N * prod(L.count);
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / perRow));
  const imgBytes = up16(N * C * part * es);
  const scratch = getScratch();
  scratch.ensure(imgBytes + Math.min(C * K, rowsPerChunk) * perRow * es);
  const mem = es === 4 ? scratch.f32 : scratch.f64;
  // Stage the touched part of every plane; written back the same way at the end.
  const planes = (toScratch: boolean) => {
    if (part === full) {
      if (toScratch) mem.set(out.subarray(0, N * C * full), 0);
      else out.set(mem.subarray(0, N * C * full), 0);
      return;
    }
    for (let q = 0; q < N * C; q++) {
      const o = q * full + s0 * dimStride;
      if (toScratch) mem.set(out.subarray(o, o + part), q * part);
      else out.set(mem.subarray(q * part, q * part + part), o);
    }
  };
  planes(true);
  const img = (c: number) => (c * part - s0 * dimStride) * es;
  const walk = es === 4 ? convKernels().col2imf32 : convKernels().col2imf64;
  const [cs0, cs1, cs2] = cols.strides;
  const L2 = cols.shape[2];
  for (let r0 = 0; r0 < C * K; r0 += rowsPerChunk) {
    const r1 = Math.min(C * K, r0 + rowsPerChunk);
    const v = { data: cols.data, shape: [r1 - r0, N, L2], strides: [cs0, cs1, cs2], offset: cols.offset + r0 * cs0 };
    stage(flatten(v), 0, (r1 - r0) * perRow, mem, imgBytes / es);
    walkTaps(walk, L, N, es, r0, r1, img, C * part * es, imgBytes);
  }
  planes(false);
}

export { gather, maxPoolIndices, scatter } from './maxpool.js';
