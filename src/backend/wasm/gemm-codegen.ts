// Generates the GEMM module: the macro-kernel C[mr x nr tiles] (+)= packed A panels x packed B
// panels, and the packing routines that build those panels from operands staged in the scratch
// memory. Register blocking: an mr x nr tile of C lives in mr * nr/lanes v128 locals for a whole
// kc loop; each k step loads nr/lanes vectors of B, broadcasts mr values of A and does
// mr * nr/lanes multiply-adds.
//
// V8 on x64 allocates 15 xmm registers (xmm15 is its scratch) and schedules every load of a loop
// body before the arithmetic, so a tile needs accumulators + B vectors + live A values <= 15
// or it spills. With a splat load per A row, 4 x 8 (8 + 2 + 4) fits and 5 x 8 does not; loading
// 4 A values as one vector and broadcasting each with a lane shuffle (pure, so V8 places it
// next to its use) fits 5 x 8: 10 accumulators + 2 B + 1 A vector + 1 splat + 1 broadcast.
// Ten independent FMA chains cover the FMA latency (4 cycles x 2 per cycle) where eight do
// not quite: see README for the figures.

import { Code, encodeModule, Func, I32, Simd, V128 } from './encoder.js';

/** Element type and tile shape of a generated GEMM kernel. */
export interface GemmShape {
  readonly dtype: 'float32' | 'float64';
  /** Rows of a tile (the A panel width). */
  readonly mr: number;
  /** Columns of a tile (the B panel width), a multiple of the lane count. */
  readonly nr: number;
  /** Use relaxed-SIMD fused multiply-add instead of mul + add. */
  readonly relaxed: boolean;
  /**
   * How A values are broadcast: a splat load per row (`load`), or one vector load per 4 rows
   * and a lane shuffle per row (`shuffle`, float32 only).
   */
  readonly broadcast?: 'load' | 'shuffle';
}

const I32_LOAD = 0x28;
const I64_LOAD = 0x29;
const I32_STORE = 0x36;
const I64_STORE = 0x37;

function macroKernel(s: GemmShape): Func {
  const f64 = s.dtype === 'float64';
  const es = f64 ? 8 : 4;
  const nv = (s.nr * es) / 16;
  const mr = s.mr;
  const add = f64 ? Simd.f64x2Add : Simd.f32x4Add;
  const mul = f64 ? Simd.f64x2Mul : Simd.f32x4Mul;
  const madd = f64 ? Simd.f64x2RelaxedMadd : Simd.f32x4RelaxedMadd;
  const splat = f64 ? Simd.load64Splat : Simd.load32Splat;

  const f = new Func('gemm', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [pa, pb, pc, mP, nP, kc, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7];
  const jr = f.local(I32);
  const ir = f.local(I32);
  const k = f.local(I32);
  const a = f.local(I32);
  const b = f.local(I32);
  const c = f.local(I32);
  const cc = f.local(I32);
  const bPanel = f.local(I32);
  const row = f.local(I32);
  const acc: number[][] = [];
  for (let i = 0; i < mr; i++) acc.push(Array.from({ length: nv }, () => f.local(V128)));
  const bv = Array.from({ length: nv }, () => f.local(V128));
  const av = f.local(V128);
  const shuffle = s.broadcast === 'shuffle' && !f64;
  const aq = shuffle ? Array.from({ length: Math.floor(mr / 4) }, () => f.local(V128)) : [];
  const e = f.code;

  e.get(pc).set(cc).get(pb).set(bPanel).get(nP).set(jr);
  e.loop(); // over B panels
  e.get(pa).set(a).get(cc).set(c).get(mP).set(ir);
  e.loop(); // over A panels
  for (const r of acc) for (const x of r) e.f32x4Const(0).set(x);
  e.get(bPanel).set(b).get(kc).set(k);
  e.loop(); // over k
  for (let v = 0; v < nv; v++)
    e.get(b)
      .simdMem(Simd.load, 16 * v)
      .set(bv[v]);
  aq.forEach((q, j) =>
    e
      .get(a)
      .simdMem(Simd.load, 16 * j)
      .set(q),
  );
  for (let i = 0; i < mr; i++) {
    if (i < 4 * aq.length) {
      const lane = [0, 1, 2, 3].map((x) => x + 4 * (i % 4));
      e.get(aq[i >> 2])
        .get(aq[i >> 2])
        .simd(0x0d, ...lane, ...lane, ...lane, ...lane)
        .set(av);
    } else {
      e.get(a)
        .simdMem(splat, es * i, f64 ? 3 : 2)
        .set(av);
    }
    for (let v = 0; v < nv; v++) {
      if (s.relaxed) e.get(av).get(bv[v]).get(acc[i][v]).simd(madd).set(acc[i][v]);
      else e.get(acc[i][v]).get(av).get(bv[v]).simd(mul).simd(add).set(acc[i][v]);
    }
  }
  e.inc(a, mr * es).inc(b, s.nr * es);
  e.get(k).i32(1).i32Sub().tee(k).brIf(0);
  e.end();
  // Write the tile: row i at c + i * ldc, adding what is there on later k blocks.
  e.get(accumulate).if();
  e.get(c).set(row);
  for (let i = 0; i < mr; i++) {
    if (i > 0) e.get(row).get(ldc).i32Add().set(row);
    for (let v = 0; v < nv; v++)
      e.get(acc[i][v])
        .get(row)
        .simdMem(Simd.load, 16 * v)
        .simd(add)
        .set(acc[i][v]);
  }
  e.end();
  e.get(c).set(row);
  for (let i = 0; i < mr; i++) {
    if (i > 0) e.get(row).get(ldc).i32Add().set(row);
    for (let v = 0; v < nv; v++)
      e.get(row)
        .get(acc[i][v])
        .simdMem(Simd.store, 16 * v);
  }
  e.get(c).get(ldc).i32(mr).i32Mul().i32Add().set(c);
  e.get(ir).i32(1).i32Sub().tee(ir).brIf(0);
  e.end();
  // After its k loop, b already points at the next B panel.
  e.get(b)
    .set(bPanel)
    .inc(cc, s.nr * es);
  e.get(jr).i32(1).i32Sub().tee(jr).brIf(0);
  e.end();
  return f;
}

// Copies one element (es bytes) from the address on top of the stack to the one below it
// (plus `offset`): integer loads and stores, so every bit pattern moves unchanged.
function moveElement(e: Code, es: number, offset = 0): void {
  if (es === 4) e.mem(I32_LOAD, 2).mem(I32_STORE, 2, offset);
  else e.mem(I64_LOAD, 3).mem(I64_STORE, 3, offset);
}

/**
 * `name(src, sk, kc, panels, dst)`: panels of width w from a staged operand whose panel axis is
 * contiguous: dst[q][k][0..w) = src[q*w .. q*w + w) of row k (rows `sk` bytes apart).
 */
function packContiguous(name: string, w: number, es: number): Func {
  const f = new Func(name, [I32, I32, I32, I32, I32]);
  const [src, sk, kc, panels, dst] = [0, 1, 2, 3, 4];
  const s = f.local(I32);
  const k = f.local(I32);
  const e = f.code;
  const bytes = w * es;
  e.loop();
  e.get(src).set(s).get(kc).set(k);
  e.loop();
  let o = 0;
  for (; o + 16 <= bytes; o += 16) e.get(dst).get(s).simdMem(Simd.load, o, 2).simdMem(Simd.store, o, 2);
  for (; o < bytes; o += es) {
    e.get(dst)
      .get(s)
      .mem(es === 4 ? I32_LOAD : I64_LOAD, es === 4 ? 2 : 3, o);
    e.mem(es === 4 ? I32_STORE : I64_STORE, es === 4 ? 2 : 3, o);
  }
  e.inc(dst, bytes).get(s).get(sk).i32Add().set(s);
  e.get(k).i32(1).i32Sub().tee(k).brIf(0);
  e.end();
  e.inc(src, bytes);
  e.get(panels).i32(1).i32Sub().tee(panels).brIf(0);
  e.end();
  return f;
}

/**
 * `name(src, sj, kc, panels, dst)`: panels of width w from a staged operand whose k axis is
 * contiguous (a row-major A, or B = W^T): each of the w source rows (`sj` bytes apart) is read
 * in order and written down its panel column.
 */
function packTransposed(name: string, w: number, es: number): Func {
  const f = new Func(name, [I32, I32, I32, I32, I32]);
  const [src, sj, kc, panels, dst] = [0, 1, 2, 3, 4];
  const row = f.local(I32);
  const s = f.local(I32);
  const d = f.local(I32);
  const k = f.local(I32);
  const e = f.code;
  e.loop();
  e.get(src).set(row);
  for (let j = 0; j < w; j++) {
    e.get(row).set(s).get(dst).set(d).get(kc).set(k);
    e.loop();
    e.get(d).get(s);
    moveElement(e, es, j * es);
    e.inc(s, es).inc(d, w * es);
    e.get(k).i32(1).i32Sub().tee(k).brIf(0);
    e.end();
    e.get(row).get(sj).i32Add().set(row);
  }
  e.get(src).get(sj).i32(w).i32Mul().i32Add().set(src);
  e.get(dst)
    .get(kc)
    .i32(w * es)
    .i32Mul()
    .i32Add()
    .set(dst);
  e.get(panels).i32(1).i32Sub().tee(panels).brIf(0);
  e.end();
  return f;
}

/**
 * `packStrided(src, sk, sj, kc, w, panels, lastCols, dst)`: any byte strides; the last panel
 * has `lastCols` real columns and is zero-padded to w.
 */
function packStrided(es: number): Func {
  const f = new Func('packStrided', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [src, sk, sj, kc, w, panels, lastCols, dst] = [0, 1, 2, 3, 4, 5, 6, 7];
  const s = f.local(I32);
  const t = f.local(I32);
  const k = f.local(I32);
  const j = f.local(I32);
  const cols = f.local(I32);
  const e = f.code;
  e.loop();
  // cols = panels == 1 ? lastCols : w
  e.get(lastCols).get(w).get(panels).i32(1).op(0x46).op(0x1b).set(cols); // i32.eq, select
  e.get(src).set(s).get(kc).set(k);
  e.loop();
  e.get(s).set(t).i32(0).set(j);
  e.loop();
  e.get(j).get(cols).i32LtS().if();
  e.get(dst).get(t);
  moveElement(e, es);
  e.else();
  e.get(dst).i32(0).mem(I32_STORE, 2);
  if (es === 8) e.get(dst).i32(0).mem(I32_STORE, 2, 4);
  e.end();
  e.inc(dst, es).get(t).get(sj).i32Add().set(t);
  e.get(j).i32(1).i32Add().tee(j).get(w).i32LtS().brIf(0);
  e.end();
  e.get(s).get(sk).i32Add().set(s);
  e.get(k).i32(1).i32Sub().tee(k).brIf(0);
  e.end();
  e.get(src).get(sj).get(w).i32Mul().i32Add().set(src);
  e.get(panels).i32(1).i32Sub().tee(panels).brIf(0);
  e.end();
  return f;
}

/**
 * Bytes of a module exporting:
 * - `gemm(pa, pb, pc, mPanels, nPanels, kc, ldc, accumulate)`: A is `mPanels` panels of
 *   `[kc][mr]`, B `nPanels` panels of `[kc][nr]`, consecutive; C tiles (row pitch `ldc` bytes)
 *   are overwritten, or added to when `accumulate` is nonzero. kc >= 1. B panels are the outer
 *   loop so one B panel (kc x nr) stays in L1 while A panels stream by.
 * - `packA` / `packB(src, sk, kc, panels, dst)`: full panels of width mr / nr from a staged
 *   operand whose panel axis is contiguous (vector copies).
 * - `packTA` / `packTB(src, sj, kc, panels, dst)`: the same from an operand whose k axis is
 *   contiguous.
 * - `packStrided(...)`: panels from any strides, with a zero-padded last panel.
 * All pointers are byte addresses in the scratch memory; panel counts are >= 1.
 */
export function gemmModule(s: GemmShape): Uint8Array {
  const es = s.dtype === 'float64' ? 8 : 4;
  return encodeModule([
    macroKernel(s),
    packContiguous('packA', s.mr, es),
    packContiguous('packB', s.nr, es),
    packTransposed('packTA', s.mr, es),
    packTransposed('packTB', s.nr, es),
    packStrided(es),
  ]);
}
