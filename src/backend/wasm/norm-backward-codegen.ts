// Generates the fused float32 backward row kernels of softmax, logSoftmax, layer norm and relu.
// Row sums are accumulated in float64 like the js kernels; the elementwise passes run on whole
// vectors, so each operand needs 16 bytes of slack after its last row (a row's last vector may
// read the next row and write into the next row's output, which that row then rewrites).

import { Code, encodeModule, F32, F64, Func, I32, Simd, V128 } from './encoder.js';
import { expEmitter } from './elementwise-codegen.js';
import { accumulate, countLoop, HIGH_HALF, rowShape, S, total } from './norm-codegen.js';
import { Op } from './unary-codegen.js';

const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F32_LE = 0x45;
const ANDNOT = 0x4f;

// `for (j = n; j > 0; j -= 4) body()`: ceil(n / 4) whole vectors.
function vectorsLoop(e: Code, n: number, j: number, body: () => void): void {
  e.get(n).set(j).block().get(j).i32(0).op(S.i32LeS).brIf(0).loop();
  body();
  e.get(j).i32(4).i32Sub().tee(j).i32(0).i32GtS().brIf(0);
  e.end().end();
}

/**
 * `softmaxbwd(y, dy, dx, rows, n)`: s = sum(dy y) in float64, dx = y (dy - s); with `log`
 * (`logsoftmaxbwd`), s = sum(dy) and dx = dy - exp(y) s.
 */
function softmaxBackward(log: boolean): Func {
  const f = new Func(log ? 'logsoftmaxbwd' : 'softmaxbwd', [I32, I32, I32, I32, I32]);
  const [y, dy, dx, rows, n] = [0, 1, 2, 3, 4];
  const e = f.code;
  const { vb, tl } = rowShape(f, n);
  const [p, q, o, j] = [I32, I32, I32, I32].map((t) => f.local(t));
  const [v, lo, hi, sv] = [V128, V128, V128, V128].map((t) => f.local(t));
  const s = f.local(F64);
  const exp = expEmitter(f);
  countLoop(e, rows, 1, () => {
    e.f32x4Const(0).tee(lo).set(hi).get(y).set(p).get(dy).set(q).get(vb).set(j);
    countLoop(e, j, 16, () => {
      e.get(q).simdMem(Simd.load, 0, 2);
      if (!log) e.get(p).simdMem(Simd.load, 0, 2).simd(Simd.f32x4Mul);
      e.set(v);
      accumulate(e, v, lo, hi);
      e.inc(p, 16).inc(q, 16);
    });
    total(e, lo, hi);
    e.set(s).get(tl).set(j);
    countLoop(e, j, 1, () => {
      e.get(s).get(q).mem(S.f32Load, 2);
      if (!log) e.get(p).mem(S.f32Load, 2).op(S.f32Mul);
      e.f64PromoteF32().f64Add().set(s).inc(p, 4).inc(q, 4);
    });
    e.get(s).op(S.f32DemoteF64).simd(Simd.f32x4Splat).set(sv);
    e.get(y).set(p).get(dy).set(q).get(dx).set(o);
    vectorsLoop(e, n, j, () => {
      e.get(o);
      if (log) {
        e.get(q).simdMem(Simd.load, 0, 2).get(p).simdMem(Simd.load, 0, 2);
        exp(e);
        e.get(sv).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub);
      } else {
        e.get(p).simdMem(Simd.load, 0, 2).get(q).simdMem(Simd.load, 0, 2).get(sv).simd(Simd.f32x4Sub);
        e.simd(Simd.f32x4Mul);
      }
      e.simdMem(Simd.store, 0, 2).inc(p, 16).inc(q, 16).inc(o, 16);
    });
    e.get(n).i32(2).op(S.i32Shl).tee(j).get(y).i32Add().set(y);
    e.get(j).get(dy).i32Add().set(dy);
    e.get(j).get(dx).i32Add().set(dx);
  });
  return f;
}

// Adds the four float32 lanes of `v` to the four float64 values at `at` (stored, 16-aligned).
function addInto(e: Code, v: number, at: number): void {
  e.get(at).get(at).simdMem(Simd.load, 0).get(v).simd(Simd.f64x2PromoteLowF32x4).simd(Simd.f64x2Add);
  e.simdMem(Simd.store, 0);
  e.get(at)
    .get(at)
    .simdMem(Simd.load, 16)
    .get(v)
    .get(v)
    .simd(Op.shuffle, ...HIGH_HALF);
  e.simd(Simd.f64x2PromoteLowF32x4).simd(Simd.f64x2Add).simdMem(Simd.store, 16);
}

/**
 * `layernormbwd(x, dy, w, means, rstds, dx, dw, db, rows, n)`: per row, with xh = (x - mean)
 * rstd and g = dy w, a = mean(g) and b = mean(g xh) in float64, then dx = rstd (g - a - xh b);
 * dy xh and dy are added to the float64 column sums `dw` and `db` (n values each, 16-aligned).
 * `w` holds n values (ones when absent).
 */
function layerNormBackward(): Func {
  const f = new Func('layernormbwd', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [x, dy, w, means, rstds, dx, dw, db, rows, n] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const e = f.code;
  const { vb, tl } = rowShape(f, n);
  const [p, q, pw, o, pa, pb, j] = [I32, I32, I32, I32, I32, I32, I32].map((t) => f.local(t));
  const [xh, dv, g, t, lo, hi, lo2, hi2, mv, rv, av, bv] = Array.from({ length: 12 }, () => f.local(V128));
  const [sg, sgx, nf] = [F64, F64, F64].map((k) => f.local(k));
  const [mf, rf, xs, ds] = [F32, F32, F32, F32].map((k) => f.local(k));
  e.get(n).op(S.f64ConvertI32S).set(nf);
  countLoop(e, rows, 1, () => {
    e.get(means).mem(S.f32Load, 2).tee(mf).simd(Simd.f32x4Splat).set(mv);
    e.get(rstds).mem(S.f32Load, 2).tee(rf).simd(Simd.f32x4Splat).set(rv);
    e.f32x4Const(0).tee(lo).tee(hi).tee(lo2).set(hi2);
    e.get(x).set(p).get(dy).set(q).get(w).set(pw).get(dw).set(pa).get(db).set(pb).get(vb).set(j);
    countLoop(e, j, 16, () => {
      e.get(p).simdMem(Simd.load, 0, 2).get(mv).simd(Simd.f32x4Sub).get(rv).simd(Simd.f32x4Mul).set(xh);
      e.get(q).simdMem(Simd.load, 0, 2).tee(dv).get(pw).simdMem(Simd.load, 0, 2).simd(Simd.f32x4Mul).tee(g);
      e.get(xh).simd(Simd.f32x4Mul).set(t);
      accumulate(e, g, lo, hi);
      accumulate(e, t, lo2, hi2);
      e.get(dv).get(xh).simd(Simd.f32x4Mul).set(t);
      addInto(e, t, pa);
      addInto(e, dv, pb);
      e.inc(p, 16).inc(q, 16).inc(pw, 16).inc(pa, 32).inc(pb, 32);
    });
    total(e, lo, hi);
    e.set(sg);
    total(e, lo2, hi2);
    e.set(sgx).get(tl).set(j);
    countLoop(e, j, 1, () => {
      e.get(p).mem(S.f32Load, 2).get(mf).op(S.f32Sub).get(rf).op(S.f32Mul).set(xs);
      e.get(q).mem(S.f32Load, 2).set(ds);
      e.get(sg).get(ds).get(pw).mem(S.f32Load, 2).op(S.f32Mul).f64PromoteF32().f64Add().set(sg);
      e.get(sgx).get(ds).get(pw).mem(S.f32Load, 2).op(S.f32Mul).get(xs).op(S.f32Mul).f64PromoteF32().f64Add().set(sgx);
      e.get(pa).get(pa).mem(F64_LOAD, 3).get(ds).get(xs).op(S.f32Mul).f64PromoteF32().f64Add().mem(F64_STORE, 3);
      e.get(pb).get(pb).mem(F64_LOAD, 3).get(ds).f64PromoteF32().f64Add().mem(F64_STORE, 3);
      e.inc(p, 4).inc(q, 4).inc(pw, 4).inc(pa, 8).inc(pb, 8);
    });
    e.get(sg).get(nf).op(S.f64Div).op(S.f32DemoteF64).simd(Simd.f32x4Splat).set(av);
    e.get(sgx).get(nf).op(S.f64Div).op(S.f32DemoteF64).simd(Simd.f32x4Splat).set(bv);
    e.get(x).set(p).get(dy).set(q).get(w).set(pw).get(dx).set(o);
    vectorsLoop(e, n, j, () => {
      e.get(o).get(q).simdMem(Simd.load, 0, 2).get(pw).simdMem(Simd.load, 0, 2).simd(Simd.f32x4Mul);
      e.get(av).simd(Simd.f32x4Sub);
      e.get(p).simdMem(Simd.load, 0, 2).get(mv).simd(Simd.f32x4Sub).get(rv).simd(Simd.f32x4Mul);
      e.get(bv).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub).get(rv).simd(Simd.f32x4Mul);
      e.simdMem(Simd.store, 0, 2).inc(p, 16).inc(q, 16).inc(pw, 16).inc(o, 16);
    });
    e.inc(means, 4).inc(rstds, 4);
    e.get(n).i32(2).op(S.i32Shl).tee(j).get(x).i32Add().set(x);
    e.get(j).get(dy).i32Add().set(dy);
    e.get(j).get(dx).i32Add().set(dx);
  });
  return f;
}

/** `relubwd(y, dy, dx, count)`: dx = dy AND NOT (y <= 0), over ceil(count / 4) vectors. */
function reluBackward(): Func {
  const f = new Func('relubwd', [I32, I32, I32, I32]);
  const [y, dy, dx, count] = [0, 1, 2, 3];
  const j = f.local(I32);
  const e = f.code;
  vectorsLoop(e, count, j, () => {
    e.get(dx).get(dy).simdMem(Simd.load, 0, 2).get(y).simdMem(Simd.load, 0, 2).f32x4Const(0).simd(F32_LE);
    e.simd(ANDNOT).simdMem(Simd.store, 0, 2).inc(y, 16).inc(dy, 16).inc(dx, 16);
  });
  return f;
}

/** Bytes of the module exporting softmaxbwd, logsoftmaxbwd, layernormbwd and relubwd. */
export function normBackwardModule(): Uint8Array {
  return encodeModule([softmaxBackward(false), softmaxBackward(true), layerNormBackward(), reluBackward()]);
}
