// Generates the fused float32 row kernels: softmax, logSoftmax and layer norm over rows of `n`
// values stored back to back (any n; the last 0..3 values of a row are a masked vector or
// scalar code). Sums are accumulated in float64, like the js kernels, so results stay within a
// few ulps of them whatever the row length.

import { Code, encodeModule, F32, F64, Func, I32, Simd, V128 } from './encoder.js';
import { expEmitter } from './elementwise-codegen.js';
import { i32x4Lanes, logEmitter, Op } from './unary-codegen.js';

// Scalar and SIMD instructions the encoder has no method for.
export const S = {
  f32Load: 0x2a,
  f32Store: 0x38,
  i32LeS: 0x4c,
  i32Shl: 0x74,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Max: 0x97,
  f64Sub: 0xa1,
  f64Div: 0xa3,
  f64Sqrt: 0x9f,
  f32DemoteF64: 0xb6,
  f64ConvertI32S: 0xb7,
  i32x4Splat: 0x11,
  anyTrue: 0x53,
  select: 0x1b,
} as const;

// Byte-shuffle moving lanes 2 and 3 of an f32x4 to 0 and 1 (for promoting them to f64).
export const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/** `f64.const v`. */
export const f64Const = (e: Code, v: number): Code => e.op(0x44, ...new Uint8Array(new Float64Array([v]).buffer));

/** `while (counter != 0) { body(); counter -= step }`, with `counter` a multiple of `step`. */
export function countLoop(e: Code, counter: number, step: number, body: () => void): void {
  e.block().get(counter).i32Eqz().brIf(0).loop();
  body();
  e.get(counter).i32(step).i32Sub().tee(counter).brIf(0);
  e.end().end();
}

// The per-call constants: `vb` bytes of whole vectors per row, `tl` values left over.
export function rowShape(f: Func, n: number): { vb: number; tl: number } {
  const vb = f.local(I32);
  const tl = f.local(I32);
  f.code.get(n).i32(-4).i32And().i32(2).op(S.i32Shl).set(vb);
  f.code.get(n).i32(3).i32And().set(tl);
  return { vb, tl };
}

// Adds the four lanes of `v` (float32) into the float64x2 accumulators `lo` and `hi`.
export function accumulate(e: Code, v: number, lo: number, hi: number): void {
  e.get(lo).get(v).simd(Simd.f64x2PromoteLowF32x4).simd(Simd.f64x2Add).set(lo);
  e.get(hi)
    .get(v)
    .get(v)
    .simd(Op.shuffle, ...HIGH_HALF)
    .simd(Simd.f64x2PromoteLowF32x4)
    .simd(Simd.f64x2Add)
    .set(hi);
}

// Pushes lo[0] + lo[1] + hi[0] + hi[1] (f64).
export function total(e: Code, lo: number, hi: number): void {
  e.get(lo).get(hi).simd(Simd.f64x2Add).tee(lo).simd(Simd.f64x2ExtractLane, 0);
  e.get(lo).simd(Simd.f64x2ExtractLane, 1).f64Add();
}

/**
 * `softmax(x, out, rows, n)` or `logsoftmax(...)`: per row, m = max (NaN wins), s = sum of
 * exp(x - m) in float64, then exp(x - m) / s or (x - m) - log(s). `out` must not overlap `x`,
 * and both need 16 bytes of slack after the last row (the masked last vector of a row is
 * loaded whole, and softmax stores it whole: the next row rewrites those values).
 */
function softmax(log: boolean): Func {
  const f = new Func(log ? 'logsoftmax' : 'softmax', [I32, I32, I32, I32]);
  const [x, out, rows, n] = [0, 1, 2, 3];
  const e = f.code;
  const { vb, tl } = rowShape(f, n);
  const [p, q, j] = [I32, I32, I32].map((t) => f.local(t));
  const [mv, ev, lo, hi, sv] = [V128, V128, V128, V128, V128].map((t) => f.local(t));
  const m = f.local(F32);
  const exp = expEmitter(f);
  const lnv = logEmitter(f);
  countLoop(e, rows, 1, () => {
    // Pass 1: the maximum. f32x4.max propagates NaN but is a long instruction sequence on x64,
    // which the loop-carried maximum would wait for; pmax is one instruction and ignores a NaN
    // (it compares false), so NaNs are tracked in a mask on the side.
    e.f32x4Const(-Infinity).set(mv).f32x4Const(0).set(ev).get(x).set(p).get(vb).set(j);
    countLoop(e, j, 16, () => {
      e.get(mv).get(p).simdMem(Simd.load, 0, 2).tee(sv).simd(Simd.f32x4Pmax).set(mv);
      e.get(ev).get(sv).get(sv).simd(Simd.f32x4Ne).simd(Simd.or).set(ev).inc(p, 16);
    });
    e.get(mv).simd(Simd.f32x4ExtractLane, 0).get(mv).simd(Simd.f32x4ExtractLane, 1).op(S.f32Max);
    e.get(mv).simd(Simd.f32x4ExtractLane, 2).get(mv).simd(Simd.f32x4ExtractLane, 3).op(S.f32Max).op(S.f32Max).set(m);
    e.f32(NaN).get(m).get(ev).simd(S.anyTrue).op(S.select).set(m);
    e.get(tl).set(j);
    countLoop(e, j, 1, () => {
      e.get(m).get(p).mem(S.f32Load, 2).op(S.f32Max).set(m).inc(p, 4);
    });
    e.get(m).simd(Simd.f32x4Splat).set(mv);
    // Pass 2: exponentials (kept for softmax) and their float64 sum, over ceil(n / 4) vectors;
    // lanes past the row's end read as -inf (exp 0), so exp is emitted once.
    e.f32x4Const(0).tee(lo).set(hi).get(x).set(p).get(out).set(q).get(n).set(j);
    e.block().get(j).i32(0).op(S.i32LeS).brIf(0).loop();
    if (!log) e.get(q);
    e.get(p).simdMem(Simd.load, 0, 2).f32x4Const(-Infinity).get(j).simd(S.i32x4Splat);
    i32x4Lanes(e, [0, 1, 2, 3]).simd(Op.i32x4GtS).simd(Simd.bitselect);
    e.get(mv).simd(Simd.f32x4Sub);
    exp(e);
    if (log) e.set(ev);
    else e.tee(ev).simdMem(Simd.store, 0, 2);
    accumulate(e, ev, lo, hi);
    e.inc(p, 16).inc(q, 16).get(j).i32(4).i32Sub().tee(j).i32(0).i32GtS().brIf(0);
    e.end().end();
    total(e, lo, hi);
    if (log) {
      // log(s) = log1p(s - 1): s = 1 + (the other terms), and those may be far below an ulp of 1.
      // With u = 1 + t rounded, log1p(t) = log(u) t / (u - 1) (exact u - 1), or t when u = 1.
      f64Const(e, 1).op(S.f64Sub).op(S.f32DemoteF64).simd(Simd.f32x4Splat).tee(ev).f32x4Const(1).simd(Simd.f32x4Add);
      e.tee(sv);
      lnv(e);
      e.get(ev).get(sv).f32x4Const(1).simd(Simd.f32x4Sub).simd(Simd.f32x4Div).simd(Simd.f32x4Mul);
      e.get(ev).get(sv).f32x4Const(1).simd(Simd.f32x4Ne).simd(Simd.bitselect).set(sv);
    } else {
      e.op(S.f32DemoteF64).simd(Simd.f32x4Splat).set(sv);
    }
    // Pass 3: scale (softmax: out / s, from the stored exponentials) or shift (x - m - log s).
    e.get(x).set(p).get(out).set(q).get(vb).set(j);
    const src = log ? p : q;
    countLoop(e, j, 16, () => {
      e.get(q).get(src).simdMem(Simd.load, 0, 2);
      if (log) e.get(mv).simd(Simd.f32x4Sub).get(sv).simd(Simd.f32x4Sub);
      else e.get(sv).simd(Simd.f32x4Div);
      e.simdMem(Simd.store, 0, 2).inc(p, 16).inc(q, 16);
    });
    e.get(tl).set(j);
    countLoop(e, j, 1, () => {
      e.get(q).get(src).mem(S.f32Load, 2);
      if (log) e.get(m).op(S.f32Sub).get(sv).simd(Simd.f32x4ExtractLane, 0).op(S.f32Sub);
      else e.get(sv).simd(Simd.f32x4ExtractLane, 0).op(S.f32Div);
      e.mem(S.f32Store, 2).inc(p, 4).inc(q, 4);
    });
    e.get(n).i32(2).op(S.i32Shl).tee(j).get(x).i32Add().set(x);
    e.get(j).get(out).i32Add().set(out);
  });
  return f;
}

/**
 * `layernorm(x, y, w, b, means, rstds, rows, n, eps)`: per row, mean and the sum of squared
 * deviations from it in float64 (two passes: no cancellation for rows with a large offset),
 * rstd = 1 / sqrt(var + eps) in float64, then y = (x - mean) rstd w + b in float32. `w` and `b`
 * hold n values each (ones and zeros when absent); means and rstds get one float32 per row.
 */
function layerNorm(): Func {
  const f = new Func('layernorm', [I32, I32, I32, I32, I32, I32, I32, I32, F64]);
  const [x, y, w, b, means, rstds, rows, n, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const e = f.code;
  const { vb, tl } = rowShape(f, n);
  const [p, q, pw, pb, j] = [I32, I32, I32, I32, I32].map((t) => f.local(t));
  const [v, lo, hi, mv, rv] = [V128, V128, V128, V128, V128].map((t) => f.local(t));
  const [s, nf] = [F64, F64].map((t) => f.local(t));
  const [mf, rf] = [F32, F32].map((t) => f.local(t));
  e.get(n).op(S.f64ConvertI32S).set(nf);
  // Sum over the row of what `term` leaves for the vector (or scalar, promoted) at p, into s.
  const rowSum = (term: (scalar: boolean) => void) => {
    e.f32x4Const(0).tee(lo).set(hi).get(x).set(p).get(vb).set(j);
    countLoop(e, j, 16, () => {
      e.get(p).simdMem(Simd.load, 0, 2);
      term(false);
      e.set(v);
      accumulate(e, v, lo, hi);
      e.inc(p, 16);
    });
    total(e, lo, hi);
    e.set(s).get(tl).set(j);
    countLoop(e, j, 1, () => {
      e.get(s).get(p).mem(S.f32Load, 2);
      term(true);
      e.f64PromoteF32().f64Add().set(s).inc(p, 4);
    });
  };
  countLoop(e, rows, 1, () => {
    rowSum(() => {});
    e.get(s).get(nf).op(S.f64Div).op(S.f32DemoteF64).tee(mf).simd(Simd.f32x4Splat).set(mv);
    rowSum((scalar) => {
      if (scalar) e.get(mf).op(S.f32Sub).set(rf).get(rf).get(rf).op(S.f32Mul);
      else e.get(mv).simd(Simd.f32x4Sub).tee(v).get(v).simd(Simd.f32x4Mul);
    });
    f64Const(e, 1).get(s).get(nf).op(S.f64Div).get(eps).f64Add().op(S.f64Sqrt).op(S.f64Div);
    e.op(S.f32DemoteF64).tee(rf).simd(Simd.f32x4Splat).set(rv);
    e.get(means).get(mf).mem(S.f32Store, 2).get(rstds).get(rf).mem(S.f32Store, 2).inc(means, 4).inc(rstds, 4);
    e.get(x).set(p).get(y).set(q).get(w).set(pw).get(b).set(pb).get(vb).set(j);
    countLoop(e, j, 16, () => {
      e.get(q).get(p).simdMem(Simd.load, 0, 2).get(mv).simd(Simd.f32x4Sub).get(rv).simd(Simd.f32x4Mul);
      e.get(pw).simdMem(Simd.load, 0, 2).simd(Simd.f32x4Mul).get(pb).simdMem(Simd.load, 0, 2).simd(Simd.f32x4Add);
      e.simdMem(Simd.store, 0, 2).inc(p, 16).inc(q, 16).inc(pw, 16).inc(pb, 16);
    });
    e.get(tl).set(j);
    countLoop(e, j, 1, () => {
      e.get(q).get(p).mem(S.f32Load, 2).get(mf).op(S.f32Sub).get(rf).op(S.f32Mul);
      e.get(pw).mem(S.f32Load, 2).op(S.f32Mul).get(pb).mem(S.f32Load, 2).op(0x92); // f32.add
      e.mem(S.f32Store, 2).inc(p, 4).inc(q, 4).inc(pw, 4).inc(pb, 4);
    });
    e.get(n).i32(2).op(S.i32Shl).tee(j).get(x).i32Add().set(x);
    e.get(j).get(y).i32Add().set(y);
  });
  return f;
}

/** Bytes of the module exporting softmax, logsoftmax and layernorm. */
export function normModule(): Uint8Array {
  return encodeModule([softmax(false), softmax(true), layerNorm()]);
}
