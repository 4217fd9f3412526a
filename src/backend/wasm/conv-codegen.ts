// Generates the convolution and pooling module: im2col rows, col2im accumulation and max-pool
// argmax. The drivers (conv.ts) lift every problem to three spatial dims (D, H, W), stage the
// operands contiguously in the scratch memory and call one function per kernel tap; these
// functions walk the batch and the output grid of that tap. All addresses and strides are in
// bytes; a position is valid when `0 <= p < size`, tested as one unsigned compare.

import { Code, encodeModule, Func, I32, Simd } from './encoder.js';

const I32_LOAD = 0x28;
const I64_LOAD = 0x29;
const F32_LOAD = 0x2a;
const F64_LOAD = 0x2b;
const I32_STORE = 0x36;
const I64_STORE = 0x37;
const F32_STORE = 0x38;
const F64_STORE = 0x39;
const I32_LT_U = 0x49;
const I32_AND = 0x71;
const I32_EQ = 0x46;

// `while (left >= step) { body(); left -= step }` on a byte count.
function whileAtLeast(e: Code, left: number, step: number, body: () => void): void {
  e.block().loop();
  e.get(left).i32(step).i32LtS().brIf(1);
  body();
  e.get(left).i32(step).i32Sub().set(left).br(0);
  e.end().end();
}

// Zeroes `bytes` (a local, a multiple of 4, consumed) at `ptr` (a local, advanced past them).
function zeroBytes(e: Code, ptr: number, bytes: number): void {
  whileAtLeast(e, bytes, 16, () => e.get(ptr).i32x4Const(0).simdMem(Simd.store, 0, 0).inc(ptr, 16));
  whileAtLeast(e, bytes, 4, () => e.get(ptr).i32(0).mem(I32_STORE, 0).inc(ptr, 4));
}

// Copies `bytes` (a local, a multiple of 4, consumed) from `src` to `dst`, advancing both.
function copyBytes(e: Code, dst: number, src: number, bytes: number): void {
  whileAtLeast(e, bytes, 16, () =>
    e.get(dst).get(src).simdMem(Simd.load, 0, 0).simdMem(Simd.store, 0, 0).inc(dst, 16).inc(src, 16),
  );
  whileAtLeast(e, bytes, 4, () => e.get(dst).get(src).mem(I32_LOAD, 0).mem(I32_STORE, 0).inc(dst, 4).inc(src, 4));
}

// Parameters shared by im2col and col2im: the walk over (n, od, oh) of one kernel tap.
const P = {
  cols: 0, // im2col: the output row; col2im: the staged columns
  img: 1, // the image plane of channel c, batch item 0 (may lie before the staged slab)
  n: 2,
  nStride: 3,
  oD: 4,
  id0: 5,
  idStep: 6,
  D: 7,
  dStride: 8,
  oH: 9,
  ih0: 10,
  ihStep: 11,
  H: 12,
  hStride: 13,
  tapB: 14, // byte offset in an image row of the first in-range tap
  loB: 15, // bytes of the column row before it (blocks whose tap is left of the input)
  mid: 16, // in-range blocks per row
  hiB: 17, // bytes of the column row after them
  wStepB: 18, // bytes between the taps of consecutive blocks
};
const PARAMS = new Array<number>(19).fill(I32);

// The shared loop nest; `row(imgRow)` handles one in-range row (imgRow: address of its first
// in-range tap), `skip()` one row whose tap lies in the padding.
function patchWalk(f: Func, row: (imgRow: number) => void, skip: () => void): void {
  const e = f.code;
  const od = f.local(I32);
  const id = f.local(I32);
  const oh = f.local(I32);
  const ih = f.local(I32);
  const imgRow = f.local(I32);
  e.loop(); // n
  e.i32(0).set(od).get(P.id0).set(id);
  e.loop(); // od
  e.i32(0).set(oh).get(P.ih0).set(ih);
  e.loop(); // oh
  e.get(id).get(P.D).op(I32_LT_U).get(ih).get(P.H).op(I32_LT_U).op(I32_AND);
  e.get(P.mid).i32(0).i32Ne().op(I32_AND);
  e.if();
  e.get(P.img).get(id).get(P.dStride).i32Mul().i32Add().get(ih).get(P.hStride).i32Mul().i32Add();
  e.get(P.tapB).i32Add().set(imgRow);
  row(imgRow);
  e.else();
  skip();
  e.end();
  e.get(ih).get(P.ihStep).i32Add().set(ih);
  e.get(oh).i32(1).i32Add().tee(oh).get(P.oH).i32LtS().brIf(0);
  e.end();
  e.get(id).get(P.idStep).i32Add().set(id);
  e.get(od).i32(1).i32Add().tee(od).get(P.oD).i32LtS().brIf(0);
  e.end();
  e.get(P.img).get(P.nStride).i32Add().set(P.img);
  e.get(P.n).i32(1).i32Sub().tee(P.n).brIf(0);
  e.end();
}

/**
 * `im2col{es}(...PARAMS)`: writes the column rows of one kernel tap for every (n, od, oh):
 * zeros, the in-range taps (a vector copy when they are adjacent, else one by one), zeros.
 */
function im2col(es: 4 | 8): Func {
  const f = new Func(`im2col${es}`, PARAMS);
  const e = f.code;
  const left = f.local(I32);
  const s = f.local(I32);
  const j = f.local(I32);
  const rowB = f.local(I32);
  e.get(P.loB).get(P.mid).i32(es).i32Mul().i32Add().get(P.hiB).i32Add().set(rowB);
  patchWalk(
    f,
    (imgRow) => {
      e.get(P.loB).set(left);
      zeroBytes(e, P.cols, left);
      e.get(imgRow).set(s);
      e.get(P.wStepB).i32(es).op(I32_EQ).if();
      e.get(P.mid).i32(es).i32Mul().set(left);
      copyBytes(e, P.cols, s, left);
      e.else();
      e.get(P.mid).set(j);
      e.loop();
      e.get(P.cols).get(s);
      if (es === 4) e.mem(I32_LOAD, 2).mem(I32_STORE, 2);
      else e.mem(I64_LOAD, 3).mem(I64_STORE, 3);
      e.inc(P.cols, es).get(s).get(P.wStepB).i32Add().set(s);
      e.get(j).i32(1).i32Sub().tee(j).brIf(0);
      e.end();
      e.end();
      e.get(P.hiB).set(left);
      zeroBytes(e, P.cols, left);
    },
    () => {
      e.get(rowB).set(left);
      zeroBytes(e, P.cols, left);
    },
  );
  return f;
}

/**
 * `im2colSpan{es}(...PARAMS, ohLo, ohHi)`: im2col when the tap walks the image with unit strides
 * and the output rows are as long as the image rows (stride 1, "same" width, the usual case).
 * Then the rows `[ohLo, ohHi)` whose tap is in range are one contiguous span of the image,
 * shifted by the tap's offset: one vector copy, then the `lo` and `hi` edge entries of each row
 * (which picked up neighbouring rows' values) are zeroed. The driver leaves guard bytes around
 * the staged image so the span may read a little past either end.
 */
function im2colSpan(es: 4 | 8): Func {
  const f = new Func(`im2colSpan${es}`, [...PARAMS, I32, I32]);
  const [ohLo, ohHi] = [PARAMS.length, PARAMS.length + 1];
  const e = f.code;
  const od = f.local(I32);
  const id = f.local(I32);
  const left = f.local(I32);
  const s = f.local(I32);
  const r = f.local(I32);
  const start = f.local(I32);
  const rowB = f.local(I32);
  e.get(P.loB).get(P.mid).i32(es).i32Mul().i32Add().get(P.hiB).i32Add().set(rowB);
  e.loop(); // n
  e.i32(0).set(od).get(P.id0).set(id);
  e.loop(); // od
  e.get(id).get(P.D).op(I32_LT_U).if();
  e.get(ohLo).get(rowB).i32Mul().set(left);
  zeroBytes(e, P.cols, left);
  e.get(P.img).get(id).get(P.dStride).i32Mul().i32Add();
  e.get(P.ih0).get(ohLo).i32Add().get(P.hStride).i32Mul().i32Add();
  e.get(P.tapB).i32Add().get(P.loB).i32Sub().set(s);
  e.get(ohHi).get(ohLo).i32Sub().tee(r).get(rowB).i32Mul().set(left);
  e.get(P.cols).set(start);
  copyBytes(e, P.cols, s, left);
  e.get(start).set(s);
  e.block().get(r).i32Eqz().brIf(0).loop();
  e.get(P.loB).set(left);
  zeroBytes(e, s, left);
  e.get(s).get(P.mid).i32(es).i32Mul().i32Add().set(s);
  e.get(P.hiB).set(left);
  zeroBytes(e, s, left);
  e.get(r).i32(1).i32Sub().tee(r).brIf(0);
  e.end().end();
  e.get(P.oH).get(ohHi).i32Sub().get(rowB).i32Mul().set(left);
  zeroBytes(e, P.cols, left);
  e.else();
  e.get(P.oH).get(rowB).i32Mul().set(left);
  zeroBytes(e, P.cols, left);
  e.end();
  e.get(id).get(P.idStep).i32Add().set(id);
  e.get(od).i32(1).i32Add().tee(od).get(P.oD).i32LtS().brIf(0);
  e.end();
  e.get(P.img).get(P.nStride).i32Add().set(P.img);
  e.get(P.n).i32(1).i32Sub().tee(P.n).brIf(0);
  e.end();
  return f;
}

/**
 * `col2im{f32|f64}(...PARAMS)`: adds the column rows of one kernel tap into the image at the
 * positions im2col read them from (SIMD adds when the taps are adjacent). Each image entry
 * gets at most one term per tap, and taps run in the js kernel's order, so sums match it
 * bit for bit.
 */
function col2im(dtype: 'f32' | 'f64'): Func {
  const es = dtype === 'f32' ? 4 : 8;
  const lanes = 16 / es;
  const vadd = dtype === 'f32' ? Simd.f32x4Add : Simd.f64x2Add;
  const [load, store, align] = dtype === 'f32' ? [F32_LOAD, F32_STORE, 2] : [F64_LOAD, F64_STORE, 3];
  const f = new Func(`col2im${dtype}`, PARAMS);
  const e = f.code;
  const c = f.local(I32);
  const t = f.local(I32);
  const j = f.local(I32);
  const rowB = f.local(I32);
  e.get(P.loB).get(P.mid).i32(es).i32Mul().i32Add().get(P.hiB).i32Add().set(rowB);
  const scalarAdd = () => {
    e.get(t).get(t).mem(load, align).get(c).mem(load, align);
    e.op(dtype === 'f32' ? 0x92 : 0xa0).mem(store, align); // f32.add / f64.add
  };
  patchWalk(
    f,
    (imgRow) => {
      e.get(P.cols).get(P.loB).i32Add().set(c);
      e.get(imgRow).set(t).get(P.mid).set(j);
      e.get(P.wStepB).i32(es).op(I32_EQ).if();
      whileAtLeast(e, j, lanes, () => {
        e.get(t).get(t).simdMem(Simd.load, 0, 0).get(c).simdMem(Simd.load, 0, 0).simd(vadd).simdMem(Simd.store, 0, 0);
        e.inc(t, 16).inc(c, 16);
      });
      whileAtLeast(e, j, 1, () => {
        scalarAdd();
        e.inc(t, es).inc(c, es);
      });
      e.else();
      e.loop();
      scalarAdd();
      e.inc(c, es).get(t).get(P.wStepB).i32Add().set(t);
      e.get(j).i32(1).i32Sub().tee(j).brIf(0);
      e.end();
      e.end();
      e.get(P.cols).get(rowB).i32Add().set(P.cols);
    },
    () => {
      e.get(P.cols).get(rowB).i32Add().set(P.cols);
    },
  );
  return f;
}

/**
 * Bytes of the module exporting `im2col4`, `im2col8`, `im2colSpan4`, `im2colSpan8` (by element
 * size: the copies move bits), `col2imf32` and `col2imf64`. Every count passed is >= 1.
 */
export function convModule(): Uint8Array {
  return encodeModule([im2col(4), im2col(8), im2colSpan(4), im2colSpan(8), col2im('f32'), col2im('f64')]);
}
