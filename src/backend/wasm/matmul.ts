// Batched GEMM on the wasm backend. Each operand (one batch item) is staged into the scratch
// memory with a single block copy of the span it occupies, whatever its strides; wasm then
// packs panels from the staged copy (so transposed and broadcast operands cost nothing extra),
// a generated register-blocked SIMD macro-kernel multiplies them, and C is copied out.
// Blocking follows Goto & van de Geijn, "Anatomy of high-performance matrix multiplication"
// (ACM TOMS 2008): a kc x nc block of B packed once per (jc, pc), an mc x kc block of A per
// (pc, ic). JavaScript packs only operands whose span is mostly gaps (e.g. a narrow column
// slice of a wide matrix) or that have negative strides.
//
// Large products run on the worker pool (thread-pool.ts) over the shared scratch memory: step 1 packs
// every panel of A and B (tasks of ~32K elements), step 2 multiplies disjoint tiles of C, each
// task looping over the k blocks in order. Every element of C sums the same k blocks in the
// same order, with the same kernel, whichever thread computes it and however C is tiled, so
// the results are bit-identical for any thread count (and to the single-threaded path).

import type { TypedArray } from '../../tensor/dtype.js';
import { matmul as jsMatmul } from '../js/linalg.js';
import type { View } from '../types.js';
import { gemmModule, type GemmShape } from './gemm-codegen.js';
import { getNumThreads, runTasks, shareModule, TaskList, threadsAvailable } from './thread-pool.js';
import {
  compile,
  getScratch,
  getSharedScratch,
  hasSimd,
  instantiate,
  instantiateAsync,
  type Scratch,
  useRelaxed,
} from './runtime.js';

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

const EXPORTS = ['gemm', 'packA', 'packB', 'packTA', 'packTB', 'packStrided'] as const;
type Packers = Pick<GemmKernel, 'packA' | 'packB' | 'packTA' | 'packTB' | 'packStrided'>;
const tasks = new TaskList();
const shared = new Map<string, { slot: number; packers: Packers }>();

// The kernel compiled against the pool's shared memory and registered with the pool, with
// packers that record their calls as commands for it.
function sharedKernel(s: GemmShape, on: Scratch): { slot: number; packers: Packers } {
  let k = shared.get(key(s));
  if (!k) {
    const { module, exports } = compile(gemmModule(s), on);
    const slot = shareModule(module, exports, EXPORTS);
    const t = tasks;
    const packers: Packers = {
      packA: (src, sk, kc, panels, dst) => t.call(slot, 1, src, sk, kc, panels, dst),
      packB: (src, sk, kc, panels, dst) => t.call(slot, 2, src, sk, kc, panels, dst),
      packTA: (src, sj, kc, panels, dst) => t.call(slot, 3, src, sj, kc, panels, dst),
      packTB: (src, sj, kc, panels, dst) => t.call(slot, 4, src, sj, kc, panels, dst),
      packStrided: (src, sk, sj, kc, w, panels, last, dst) => t.call(slot, 5, src, sk, sj, kc, w, panels, last, dst),
    };
    k = { slot, packers };
    shared.set(key(s), k);
  }
  return k;
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
  kern: Packers,
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

/** A batched product's sizes and element strides, after folding a shared B into one GEMM. */
interface Geometry {
  B: number;
  M: number;
  K: number;
  N: number;
  sab: number;
  sam: number;
  sak: number;
  sbb: number;
  sbk: number;
  sbn: number;
}

function geometry(a: View, bm: View): Geometry {
  let [B, M] = a.shape;
  let [sab, sam] = a.strides;
  // A shared B (a weight broadcast over a batch) and batch-then-row-ordered A: one tall GEMM,
  // so B is staged and packed once instead of once per batch item.
  if (B > 1 && bm.strides[0] === 0 && (M === 1 || sab === M * sam)) {
    if (M === 1) sam = sab;
    M *= B;
    B = 1;
    sab = 0;
  }
  const [sbb, sbk, sbn] = bm.strides;
  return { B, M, K: a.shape[2], N: bm.shape[2], sab, sam, sak: a.strides[2], sbb, sbk, sbn };
}

/** `out[b] = a[b] @ bm[b]` with a given kernel on this thread; `out` is contiguous `[B, M, N]`. */
export function gemm(kern: GemmKernel, a: View, bm: View, out: FloatArray): void {
  const { B, M, K, N, sab, sam, sak, sbb, sbk, sbn } = geometry(a, bm);
  if (B * M * N === 0) return;
  if (K === 0) {
    out.fill(0);
    return;
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

/** When products go to the worker pool. */
export const threading = {
  /**
   * The smallest product (2·B·M·N·K flops) run on threads. Measured with 2 threads on 2 cores
   * (README): forced onto the pool, n = 128 (4.2 Mflop) ran 0.8x as fast as on one thread,
   * n = 160 (8.2 Mflop) 1.0-1.16x, n = 192 1.2x, n = 256 1.4x.
   */
  minFlops: 1 << 23,
  /**
   * The fewest flops per element that the calling thread copies (A, B in; C out) for a product
   * run on threads: those copies are serial, and one costs about as much as 16 flops. A batch
   * of 32 attention products [128, 32] @ [32, 128] (43 flops per element) ran 0.7x as fast on 2
   * threads; [64, 784] @ [784, 256] (96) ran 1.25-1.4x as fast.
   */
  minIntensity: 64,
  /** The largest scratch footprint (bytes) of a threaded product; bigger ones run on one thread. */
  maxBytes: 1 << 28,
};

const PACK_TASK = 32768; // elements packed per step-1 task
const MIN_TILE = 1 << 18; // flops below which step-2 tiles (small batch items) are merged
const TILE = 1 << 21; // flops of a step-2 tile when there is enough work (about 50 us)
// Columns of a tile, in B panels, at least: a tile reloads its A block from L3 once per k block
// and reuses it for each of its B panels (measured at n = 512: 3 to 8 panels wide, 7% less CPU).
const MIN_PANELS = 8;
const STAGE = 65536; // elements the calling thread stages at a time while the workers pack

// The product on the worker pool, or false when it does not fit there (an operand that
// JavaScript must pack, no shared memory, a footprint over threading.maxBytes).
function gemmThreaded(s: GemmShape, g: Geometry, a: View, bm: View, out: FloatArray, threads: number): boolean {
  const { B, M, K, N, sab, sam, sak, sbb, sbk, sbn } = g;
  const spanA = span(M, sam, K, sak);
  const spanB = span(N, sbn, K, sbk);
  const scratch = getSharedScratch();
  if (spanA < 0 || spanB < 0 || !scratch) return false;
  const { mr, nr } = s;
  const es = s.dtype === 'float32' ? 4 : 8;
  const [Mp, Np, kc] = [up(M, mr), up(N, nr), Math.min(K, blocking.kc)];
  const nA = sab === 0 ? 1 : B;
  const nB = sbb === 0 ? 1 : B;
  // Scratch layout (elements): staged A, staged B, packed A, packed B, C (per batch item, or
  // once for an operand broadcast over the batch); then the task list. Packed block pc of A
  // holds all Mp rows as [Mp / mr][kcur][mr] panels at pc * Mp (B likewise), so a tile of rows
  // i0.. finds its panels at pc * Mp + i0 * kcur.
  const [stA, stB, pkA, pkB, szC] = [up(spanA, 16), up(spanB, 16), up(Mp * K, 16), up(K * Np, 16), up(Mp * Np, 16)];
  const oSB = nA * stA;
  const oPA = oSB + nB * stB;
  const oPB = oPA + nA * pkA;
  const oC = oPB + nB * pkB;
  const end = oC + B * szC;
  if (end * es > threading.maxBytes) return false;
  const { slot, packers } = sharedKernel(s, scratch);
  scratch.ensure(end * es);
  tasks.reset();
  // Step 1: pack every panel of every operand item. The calling thread stages the operands in
  // pieces of STAGE elements while the job runs (the input stages of runTasks), smaller operand
  // first; each packing task waits only for the pieces it reads, and they come in the order
  // the tasks are listed (along the operand's memory order), so packing overlaps the copies.
  const stages: (() => void)[] = [];
  const [first, second] = nA * spanA <= nB * spanB ? [true, false] : [false, true];
  for (const isA of [first, second]) {
    const [v, items, sb, sj, sk, sp] = isA ? [a, nA, sab, sam, sak, spanA] : [bm, nB, sbb, sbn, sbk, spanB];
    const [rows, rowsP, w, st, pk, o, po] = isA ? [M, Mp, mr, stA, pkA, 0, oPA] : [N, Np, nr, stB, pkB, oSB, oPB];
    const op: Operand = { data: v.data, base: 0, sj, sk, staged: -1 };
    const per = Math.max(1, Math.floor(PACK_TASK / (w * kc))) * w;
    for (let it = 0; it < items; it++) {
      const base = v.offset + it * sb;
      const level = stages.length;
      for (let q = 0; q < sp; q += STAGE) {
        const [from, to, at] = [base + q, base + Math.min(sp, q + STAGE), o + it * st + q];
        stages.push(() => (es === 4 ? scratch.f32 : scratch.f64).set(v.data.subarray(from, to), at));
      }
      op.staged = o + it * st;
      const emit = (j0: number, pc: number): void => {
        const [n, kcur] = [Math.min(per, rows - j0), Math.min(kc, K - pc)];
        pack(packers, op, j0, n, pc, kcur, w, isA, scratch.f32, po + it * pk + pc * rowsP + j0 * kcur, es);
        tasks.need(level + Math.floor(((j0 + n - 1) * sj + (pc + kcur - 1) * sk) / STAGE) + 1);
        tasks.endTask(n * kcur, PACK_TASK);
      };
      if (sj >= sk) for (let j0 = 0; j0 < rows; j0 += per) for (let pc = 0; pc < K; pc += kc) emit(j0, pc);
      else for (let pc = 0; pc < K; pc += kc) for (let j0 = 0; j0 < rows; j0 += per) emit(j0, pc);
    }
  }
  tasks.endStep();
  // Step 2: tiles of C, small enough (about TILE flops, 8 to 64 per thread) that the threads
  // finish together: the last tile is the one that keeps everyone else waiting. Each band of
  // rows is copied out by the calling thread as soon as its tiles are done (drain).
  const rowBlocks = Math.ceil(M / up(blocking.mc, mr));
  const rowsPer = up(Math.ceil(M / rowBlocks), mr);
  const want = Math.min(64 * threads, Math.max(8 * threads, Math.ceil((2 * B * M * N * K) / TILE)));
  const colBlocks = Math.max(1, Math.min(Math.floor(Np / nr / MIN_PANELS), Math.ceil(want / (B * rowBlocks))));
  const colsPer = Math.ceil(Np / nr / colBlocks) * nr;
  const bands: { c: number; o: number; rows: number; first: number; last: number }[] = [];
  for (let bi = 0; bi < B; bi++) {
    const pa = oPA + (nA > 1 ? bi * pkA : 0);
    const pb = oPB + (nB > 1 ? bi * pkB : 0);
    for (let i0 = 0; i0 < M; i0 += rowsPer) {
      const mP = Math.ceil(Math.min(rowsPer, M - i0) / mr);
      const band = {
        c: oC + bi * szC + i0 * Np,
        o: (bi * M + i0) * N,
        rows: Math.min(rowsPer, M - i0),
        first: 0,
        last: 0,
      };
      band.first = tasks.tasks;
      for (let j0 = 0; j0 < Np; j0 += colsPer) {
        const nP = Math.min(colsPer, Np - j0) / nr;
        const c = (band.c + j0) * es;
        for (let pc = 0; pc < K; pc += kc) {
          const kcur = Math.min(kc, K - pc);
          const [ap, bp] = [(pa + pc * Mp + i0 * kcur) * es, (pb + pc * Np + j0 * kcur) * es];
          tasks.call(slot, 0, ap, bp, c, mP, nP, kcur, Np * es, pc > 0 ? 1 : 0);
        }
        band.last = tasks.tasks;
        tasks.endTask(2 * mP * mr * nP * nr * K, MIN_TILE);
      }
      bands.push(band);
    }
  }
  tasks.endStep();
  let next = 0;
  let probe = 0;
  const drain = (done: (task: number) => boolean): void => {
    for (; next < bands.length; next++) {
      const { c, o, rows, first: t0, last } = bands[next];
      for (probe = Math.max(probe, t0); probe <= last; probe++) if (!done(probe)) return;
      const m = es === 4 ? scratch.f32 : scratch.f64;
      if (Np === N) out.set(m.subarray(c, c + rows * N), o);
      else for (let i = 0; i < rows; i++) out.set(m.subarray(c + i * Np, c + i * Np + N), o + i * N);
    }
  };
  runTasks(tasks, scratch, end * es, threads, { stages, drain });
  if (next < bands.length) throw new Error('matmul: a tile of the threaded product did not run (a library bug)');
  return true;
}

/**
 * Batched matrix product `out[b] = a[b] @ bm[b]` (`a: [B, M, K]`, `bm: [B, K, N]`, `out`
 * contiguous `[B, M, N]`). float32 and float64 run the SIMD kernel and accumulate in their own
 * precision (the js kernel sums in float64, so float32 results differ by rounding); int32
 * reuses the js kernel, as does everything when the runtime lacks WebAssembly SIMD. Products big
 * enough (see `threading`) run on `getNumThreads()` threads, with the same results.
 */
export function matmul(a: View, bm: View, out: TypedArray): void {
  if ((out instanceof Float32Array || out instanceof Float64Array) && hasSimd()) {
    const s = shapeFor(out instanceof Float32Array ? 'float32' : 'float64');
    const threads = getNumThreads();
    const [B, M, K] = a.shape;
    const N = bm.shape[2];
    const flops = 2 * B * M * N * K;
    const copied = B * (M * K + K * N + M * N);
    const big = flops > 0 && flops >= threading.minFlops && flops >= threading.minIntensity * copied;
    if (threads > 1 && big && threadsAvailable()) {
      if (gemmThreaded(s, geometry(a, bm), a, bm, out, threads)) return;
    }
    gemm(gemmKernel(s), a, bm, out);
  } else {
    jsMatmul(a, bm, out);
  }
}
