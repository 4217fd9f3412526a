// Batched GEMM on the wasm backend. Each operand (one batch item) is staged into the scratch
// memory with a single block copy of the span it occupies, whatever its strides; wasm then
// packs panels from the staged copy (so transposed and broadcast operands cost nothing extra),
// a generated register-blocked SIMD macro-kernel multiplies them, and C is copied out.
// Blocking follows Goto & van de Geijn, "Anatomy of high-performance matrix multiplication"
// (ACM TOMS 2008): a kc x nc block of B packed once per (jc, pc), an mc x kc block of A per
// (pc, ic). JavaScript packs only operands whose span is mostly gaps (e.g. a narrow column
// slice of a wide matrix) or that have negative strides.

import type { TypedArray } from '../../tensor/dtype.js';
import { matmul as jsMatmul } from '../js/linalg.js';
import type { View } from '../types.js';
import { gemmModule, type GemmShape } from './gemm-codegen.js';
import { getScratch, hasSimd, instantiate, instantiateAsync, useRelaxed } from './runtime.js';

type FloatArray = Float32Array | Float64Array;

/** A compiled GEMM module (see gemmModule for the exports' contracts). */
export interface GemmKernel extends GemmShape {
  gemm(pa: number, pb: number, pc: number, mP: number, nP: number, kc: number, ldc: number, acc: number): void;
  packA(src: number, sk: number, kc: number, panels: number, dst: number): void;
  packB(src: number, sk: number, kc: number, panels: number, dst: number): void;
  packTA(src: number, sj: number, kc: number, panels: number, dst: number): void;
  packTB(src: number, sj: number, kc: number, panels: number, dst: number): void;
  packStrided(
    src: number,
    sk: number,
    sj: number,
    kc: number,
    w: number,
    panels: number,
    last: number,
    dst: number,
  ): void;
}

/** Blocking parameters, in elements. Measured on Sapphire Rapids (see README). */
export const blocking = { kc: 256, mc: 96, nc: 2048 };

// The tile shapes measured fastest (README): 5 x 8 with shuffled broadcasts when FMA makes the
// arithmetic cheap enough for FMA latency to matter, 4 x 8 otherwise; 4 x 4 for float64.
function shapeFor(dtype: 'float32' | 'float64'): GemmShape {
  const relaxed = useRelaxed();
  if (dtype === 'float64') return { dtype, mr: 4, nr: 4, relaxed };
  return relaxed ? { dtype, mr: 5, nr: 8, relaxed, broadcast: 'shuffle' } : { dtype, mr: 4, nr: 8, relaxed };
}

const kernels = new Map<string, GemmKernel>();
const key = (s: GemmShape): string => `${s.dtype}:${s.mr}x${s.nr}:${s.broadcast ?? 'load'}:${s.relaxed}`;
const wrap = (s: GemmShape, ex: Record<string, unknown>): GemmKernel => ({ ...s, ...ex }) as unknown as GemmKernel;

/** The compiled kernel for a tile shape (compiled synchronously on first use, then cached). */
export function gemmKernel(s: GemmShape): GemmKernel {
  let k = kernels.get(key(s));
  if (!k) {
    k = wrap(s, instantiate(gemmModule(s)));
    kernels.set(key(s), k);
  }
  return k;
}

/** Compiles the default GEMM kernels asynchronously (for browsers' main thread). */
export async function initGemm(): Promise<void> {
  for (const dtype of ['float32', 'float64'] as const) {
    const s = shapeFor(dtype);
    if (!kernels.has(key(s))) kernels.set(key(s), wrap(s, await instantiateAsync(gemmModule(s))));
  }
}

// JavaScript fallback: copies an n x kc block (panel axis stride sj, k stride sk) into panels
// of [kc][w], zero-padding the columns of the last panel.
function packJs(
  src: TypedArray,
  base: number,
  sj: number,
  sk: number,
  n: number,
  kc: number,
  w: number,
  dst: FloatArray,
  d0: number,
): void {
  const panels = Math.ceil(n / w);
  for (let p = 0; p < panels; p++) {
    const dp = d0 + p * w * kc;
    const cols = Math.min(w, n - p * w);
    for (let k = 0; k < kc; k++) {
      const d = dp + k * w;
      for (let j = 0, s = base + p * w * sj + k * sk; j < cols; j++, s += sj) dst[d + j] = src[s];
      for (let j = cols; j < w; j++) dst[d + j] = 0;
    }
  }
}

const up = (x: number, m: number): number => Math.ceil(x / m) * m;

/** A matrix operand (one batch item): rows along the panel axis `j`, depth along `k`. */
interface Operand {
  data: TypedArray;
  base: number;
  sj: number;
  sk: number;
  /** Element index in scratch of `base` when staged, or -1 (pack from `data` in JavaScript). */
  staged: number;
}

// The number of elements spanned by an n x m matrix with non-negative strides, or -1 when
// a stride is negative or the span is mostly gaps (staging would copy far more than it uses).
// Operands past 2^24 elements are packed from JavaScript too, to bound the scratch memory.
function span(n: number, sn: number, m: number, sm: number): number {
  if (sn < 0 || sm < 0) return -1;
  const extent = 1 + (n - 1) * sn + (m - 1) * sm;
  return extent <= 2 * n * m + 64 && extent <= 1 << 24 ? extent : -1;
}

// Packs an n x kc block of `op` starting at (j0, k0) into panels of width w at element `dst`.
function pack(
  kern: GemmKernel,
  op: Operand,
  j0: number,
  n: number,
  k0: number,
  kc: number,
  w: number,
  isA: boolean,
  mem: FloatArray,
  dst: number,
  es: number,
): void {
  if (op.staged < 0) {
    packJs(op.data, op.base + j0 * op.sj + k0 * op.sk, op.sj, op.sk, n, kc, w, mem, dst);
    return;
  }
  const src = (op.staged + j0 * op.sj + k0 * op.sk) * es;
  const full = op.sj === 1 || op.sk === 1 ? Math.floor(n / w) : 0;
  if (full > 0 && op.sj === 1) (isA ? kern.packA : kern.packB)(src, op.sk * es, kc, full, dst * es);
  else if (full > 0) (isA ? kern.packTA : kern.packTB)(src, op.sj * es, kc, full, dst * es);
  const rest = Math.ceil(n / w) - full;
  if (rest > 0) {
    const last = n - (full + rest - 1) * w;
    kern.packStrided(
      src + full * w * op.sj * es,
      op.sk * es,
      op.sj * es,
      kc,
      w,
      rest,
      last,
      (dst + full * w * kc) * es,
    );
  }
}

/** `out[b] = a[b] @ bm[b]` with a given kernel; `out` is contiguous `[B, M, N]`. */
export function gemm(kern: GemmKernel, a: View, bm: View, out: FloatArray): void {
  let [B, M] = a.shape;
  const K = a.shape[2];
  const N = bm.shape[2];
  if (B * M * N === 0) return;
  if (K === 0) {
    out.fill(0);
    return;
  }
  let [sab, sam] = a.strides;
  const sak = a.strides[2];
  const [sbb, sbk, sbn] = bm.strides;
  // A shared B (a weight broadcast over a batch) and batch-then-row-ordered A: one tall GEMM,
  // so B is staged and packed once instead of once per batch item.
  if (B > 1 && sbb === 0 && (M === 1 || sab === M * sam)) {
    if (M === 1) sam = sab;
    M *= B;
    B = 1;
    sab = 0;
  }
  const { mr, nr } = kern;
  const es = kern.dtype === 'float32' ? 4 : 8;
  const kc = Math.min(K, blocking.kc);
  const mc = Math.min(up(M, mr), up(blocking.mc, mr));
  const nc = Math.min(up(N, nr), up(blocking.nc, nr));
  const Mp = up(M, mr);
  const Np = up(N, nr);
  const spanA = span(M, sam, K, sak);
  const spanB = span(N, sbn, K, sbk);
  // Scratch layout (elements, 64-byte aligned): packed A | packed B | C | staged A | staged B.
  const aOff = 0;
  const bOff = up(mc * kc, 16);
  const cOff = bOff + up(kc * nc, 16);
  const saOff = cOff + up(Mp * Np, 16);
  const sbOff = saOff + up(Math.max(spanA, 0), 16);
  const scratch = getScratch();
  scratch.ensure((sbOff + Math.max(spanB, 0)) * es);
  const mem = es === 4 ? scratch.f32 : scratch.f64;
  const opA: Operand = { data: a.data, base: 0, sj: sam, sk: sak, staged: -1 };
  const opB: Operand = { data: bm.data, base: 0, sj: sbn, sk: sbk, staged: -1 };
  for (let bi = 0; bi < B; bi++) {
    opA.base = a.offset + bi * sab;
    if (spanA > 0 && (bi === 0 || sab !== 0)) {
      mem.set(a.data.subarray(opA.base, opA.base + spanA), saOff);
      opA.staged = saOff;
    }
    opB.base = bm.offset + bi * sbb;
    if (spanB > 0 && (bi === 0 || sbb !== 0)) {
      mem.set(bm.data.subarray(opB.base, opB.base + spanB), sbOff);
      opB.staged = sbOff;
    }
    for (let jc = 0; jc < N; jc += nc) {
      const ncur = Math.min(nc, N - jc);
      for (let pc = 0; pc < K; pc += kc) {
        const kcur = Math.min(kc, K - pc);
        pack(kern, opB, jc, ncur, pc, kcur, nr, false, mem, bOff, es);
        for (let ic = 0; ic < M; ic += mc) {
          const mcur = Math.min(mc, M - ic);
          pack(kern, opA, ic, mcur, pc, kcur, mr, true, mem, aOff, es);
          const pC = (cOff + ic * Np + jc) * es;
          kern.gemm(
            aOff * es,
            bOff * es,
            pC,
            Math.ceil(mcur / mr),
            Math.ceil(ncur / nr),
            kcur,
            Np * es,
            pc > 0 ? 1 : 0,
          );
        }
      }
    }
    const o = bi * M * N;
    if (Np === N) out.set(mem.subarray(cOff, cOff + M * N), o);
    else for (let i = 0; i < M; i++) out.set(mem.subarray(cOff + i * Np, cOff + i * Np + N), o + i * N);
  }
}

/**
 * Batched matrix product `out[b] = a[b] @ bm[b]` (`a: [B, M, K]`, `bm: [B, K, N]`, `out`
 * contiguous `[B, M, N]`). float32 and float64 run the SIMD kernel and accumulate in their own
 * precision (the js kernel sums in float64, so float32 results differ by rounding); int32
 * reuses the js kernel, as does everything when the runtime lacks WebAssembly SIMD.
 */
export function matmul(a: View, bm: View, out: TypedArray): void {
  if ((out instanceof Float32Array || out instanceof Float64Array) && hasSimd()) {
    gemm(gemmKernel(shapeFor(out instanceof Float32Array ? 'float32' : 'float64')), a, bm, out);
  } else {
    jsMatmul(a, bm, out);
  }
}
