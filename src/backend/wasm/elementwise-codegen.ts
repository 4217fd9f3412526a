// Generates the float32 streaming kernels: elementwise maps over 16-byte vectors and the sum
// reductions. Lengths are in bytes and multiples of 16 (the drivers pad the scratch copies).

import { Code, encodeModule, F64, Func, I32, Simd, V128 } from './encoder.js';

/** `for (; bytes > 0; bytes -= 16, ptrs += 16) body()`, skipping the loop when bytes is 0. */
export function vectorLoop(e: Code, bytes: number, ptrs: readonly number[], body: () => void): void {
  e.block().get(bytes).i32Eqz().brIf(0).loop();
  body();
  for (const p of ptrs) e.inc(p, 16);
  e.get(bytes).i32(16).i32Sub().tee(bytes).brIf(0);
  e.end().end();
}

function binary(name: string, op: number): Func {
  const f = new Func(name, [I32, I32, I32, I32]);
  const [a, b, out, bytes] = [0, 1, 2, 3];
  const e = f.code;
  vectorLoop(e, bytes, [a, b, out], () => {
    e.get(out).get(a).simdMem(Simd.load, 0).get(b).simdMem(Simd.load, 0).simd(op).simdMem(Simd.store, 0);
  });
  return f;
}

/**
 * relu as the js kernel defines it: x when x > 0 or x is NaN, else +0 (so -0 becomes +0):
 * x AND (x > 0 OR x != x), lane masks being all ones or all zeros.
 */
function relu(): Func {
  const f = new Func('relu', [I32, I32, I32]);
  const [x, out, bytes] = [0, 1, 2];
  const v = f.local(V128);
  const e = f.code;
  vectorLoop(e, bytes, [x, out], () => {
    e.get(out).get(x).simdMem(Simd.load, 0).tee(v);
    e.get(v).f32x4Const(0).simd(Simd.f32x4Gt).get(v).get(v).simd(Simd.f32x4Ne).simd(Simd.or);
    e.simd(Simd.and).simdMem(Simd.store, 0);
  });
  return f;
}

// Cody-Waite split of ln 2: C1 has 9 significant bits, so t * C1 is exact for |t| < 2^15.
export const LN2_HI = 0.693359375;
export const LN2_LO = Math.fround(Math.LN2 - LN2_HI);

// Adding 1.5 * 2^23 rounds a float32 of magnitude below 2^22 to an integer (half to even) and
// leaves that integer, plus 0x400000, in the low mantissa bits.
const ROUNDER = 12582912;
const ROUNDER_BITS = 0x4b400000;

/**
 * Emits exp of the f32x4 on top of the stack, leaving the result in its place; declares its
 * locals in `f` once, so the returned emitter may be used any number of times in `f`'s body.
 *
 * exp(x) = 2^t e^r with t = round(x / ln2), r = x - t ln2 (|r| <= 0.35); e^r by its Taylor
 * polynomial of degree 7 (truncation error r^8/8! < 6e-9, 0.05 ulp), and 2^t applied as two
 * exponent-field factors 2^(t>>1) 2^(t - t>>1) so results near overflow and subnormal results
 * round once. x is clamped to [-104, 89], where exp is already 0 or infinite in float32; pmin
 * and pmax (single instructions, unlike min and max) keep a NaN because it compares false.
 * Measured against Math.exp: at most 1 ulp on a dense grid (test/wasm.test.ts allows 2).
 */
export function expEmitter(f: Func): (e: Code) => void {
  const v = f.local(V128);
  const t = f.local(V128);
  const r = f.local(V128);
  const p = f.local(V128);
  const n = f.local(V128);
  const h = f.local(V128);
  const mul = Simd.f32x4Mul;
  const add = Simd.f32x4Add;
  const sub = Simd.f32x4Sub;
  return (e) => {
    // 2^k as float32 bits for an i32x4 k on the stack.
    const pow2 = () => e.i32x4Const(127).simd(Simd.i32x4Add).i32(23).simd(Simd.i32x4Shl);
    e.f32x4Const(89).simd(Simd.f32x4Pmin).f32x4Const(-104).simd(Simd.f32x4Pmax).set(v);
    e.get(v).f32x4Const(Math.LOG2E).simd(mul).f32x4Const(ROUNDER).simd(add).tee(t);
    e.i32x4Const(ROUNDER_BITS).simd(Simd.i32x4Sub).set(n);
    e.get(t).f32x4Const(ROUNDER).simd(sub).set(t);
    e.get(v).get(t).f32x4Const(LN2_HI).simd(mul).simd(sub).get(t).f32x4Const(LN2_LO).simd(mul).simd(sub).set(r);
    e.f32x4Const(1 / 5040);
    for (const c of [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]) e.get(r).simd(mul).f32x4Const(c).simd(add);
    e.set(p);
    e.get(n).i32(1).simd(Simd.i32x4ShrS).set(h);
    e.get(p);
    e.get(h);
    pow2();
    e.simd(mul);
    e.get(n).get(h).simd(Simd.i32x4Sub);
    pow2();
    e.simd(mul);
  };
}

// Elementwise exp (see `expEmitter` for the method and its accuracy).
function exp(): Func {
  const f = new Func('exp', [I32, I32, I32]);
  const [x, out, bytes] = [0, 1, 2];
  const emit = expEmitter(f);
  const e = f.code;
  vectorLoop(e, bytes, [x, out], () => {
    e.get(out).get(x).simdMem(Simd.load, 0);
    emit(e);
    e.simdMem(Simd.store, 0);
  });
  return f;
}

// Adds the four float32 lanes at `ptr` (plus `offset`) into two float64x2 accumulators.
function addPromoted(e: Code, ptr: number, offset: number, lo: number, hi: number): void {
  e.get(lo).get(ptr).simdMem(Simd.load64Zero, offset, 3).simd(Simd.f64x2PromoteLowF32x4).simd(Simd.f64x2Add).set(lo);
  e.get(hi)
    .get(ptr)
    .simdMem(Simd.load64Zero, offset + 8, 3)
    .simd(Simd.f64x2PromoteLowF32x4)
    .simd(Simd.f64x2Add)
    .set(hi);
}

/**
 * `rowsum(x, out, rows, len)`: out[i] (float64) = sum of the `len` float32 values of row i,
 * rows packed back to back. Sums in float64 like the js kernel, so the float32 result almost
 * always rounds to the same value.
 */
function rowsum(): Func {
  const f = new Func('rowsum', [I32, I32, I32, I32]);
  const [x, out, rows, len] = [0, 1, 2, 3];
  const j = f.local(I32);
  const lo = f.local(V128);
  const hi = f.local(V128);
  const s = f.local(F64);
  const e = f.code;
  e.block().get(rows).i32Eqz().brIf(0).loop();
  e.f32x4Const(0).tee(lo).set(hi);
  e.get(len).set(j);
  // Four at a time, then the remaining 0..3 one by one.
  e.block().loop();
  e.get(j).i32(4).i32LtS().brIf(1);
  addPromoted(e, x, 0, lo, hi);
  e.inc(x, 16).get(j).i32(4).i32Sub().set(j).br(0);
  e.end().end();
  e.get(lo).get(hi).simd(Simd.f64x2Add).tee(lo).simd(Simd.f64x2ExtractLane, 0);
  e.get(lo).simd(Simd.f64x2ExtractLane, 1).f64Add().set(s);
  e.block().loop();
  e.get(j).i32Eqz().brIf(1);
  e.get(s).get(x).mem(0x2a, 2).f64PromoteF32().f64Add().set(s);
  e.inc(x, 4).get(j).i32(1).i32Sub().set(j).br(0);
  e.end().end();
  e.get(out).get(s).mem(0x39, 3);
  e.inc(out, 8);
  e.get(rows).i32(1).i32Sub().tee(rows).brIf(0);
  e.end().end();
  return f;
}

/**
 * `colsum(x, acc, rows, bytes)`: acc[j] (float64) += x[i][j] over `rows` rows of `bytes / 4`
 * float32 values each (a multiple of 4), rows back to back.
 */
function colsum(): Func {
  const f = new Func('colsum', [I32, I32, I32, I32]);
  const [x, acc, rows, bytes] = [0, 1, 2, 3];
  const a = f.local(I32);
  const k = f.local(I32);
  const lo = f.local(V128);
  const hi = f.local(V128);
  const e = f.code;
  e.block().get(rows).i32Eqz().get(bytes).i32Eqz().op(0x72).brIf(0).loop(); // i32.or
  e.get(acc).set(a).get(bytes).set(k);
  e.loop();
  e.get(a).simdMem(Simd.load, 0).set(lo).get(a).simdMem(Simd.load, 16).set(hi);
  addPromoted(e, x, 0, lo, hi);
  e.get(a).get(lo).simdMem(Simd.store, 0).get(a).get(hi).simdMem(Simd.store, 16);
  e.inc(a, 32).inc(x, 16);
  e.get(k).i32(16).i32Sub().tee(k).brIf(0);
  e.end();
  e.get(rows).i32(1).i32Sub().tee(rows).brIf(0);
  e.end().end();
  return f;
}

/** Bytes of the module exporting add, sub, mul, div, exp, relu, rowsum and colsum. */
export function streamModule(): Uint8Array {
  return encodeModule([
    binary('add', Simd.f32x4Add),
    binary('sub', Simd.f32x4Sub),
    binary('mul', Simd.f32x4Mul),
    binary('div', Simd.f32x4Div),
    exp(),
    relu(),
    rowsum(),
    colsum(),
  ]);
}
