// Generates the max-pool argmax module: a scalar kernel over per-dim window taps (float32 and
// float64) and a float32 kernel that takes four windows per vector from a precomputed table of
// their taps' flat offsets. All addresses and strides are in bytes.

import { encodeModule, F32, F64, Func, I32, Simd, V128 } from './encoder.js';

const I32_LOAD = 0x28;
const F32_LOAD = 0x2a;
const F64_LOAD = 0x2b;
const I32_STORE = 0x36;
const I32_OR = 0x72;
const I32_SHL = 0x74;
const SELECT = 0x1b;

/**
 * `maxpool{f32|f64}(src, dst, planes, planeStride, oD, tapsD, wD, oH, tapsH, wH, oW, tapsW, wW)`:
 * for every plane and window, the flat in-plane index of the largest tap into `dst` (int32).
 * Taps are int32 element offsets within a plane (`-1`: outside the input), `w*` of them per
 * window; every width is >= 1. Ties keep the first maximum, a NaN wins over any number and a
 * later NaN over an earlier one (PyTorch's rule, as the js kernel).
 */
function maxpool(dtype: 'f32' | 'f64'): Func {
  const f64 = dtype === 'f64';
  const f = new Func(`maxpool${dtype}`, new Array<number>(13).fill(I32));
  const [src, dst, planes, planeStride, oD, tapsD, wD, oH, tapsH, wH, oW, tapsW, wW] = Array.from(
    { length: 13 },
    (_, i) => i,
  );
  const [od, pd, oh, ph, ow, pw, qa, qb, qe, a, b, k, td, th, tw, idx] = Array.from({ length: 16 }, () => f.local(I32));
  const best = f.local(f64 ? F64 : F32);
  const v = f.local(f64 ? F64 : F32);
  const isMax = f.local(I32);
  const e = f.code;
  const negInf = () => {
    if (f64) e.op(0x44, ...new Uint8Array(new Float64Array([-Infinity]).buffer));
    else e.f32(-Infinity);
  };
  // `for (cnt = n, q = base; cnt; cnt--, q += 4) { t = *q; if (t >= 0) body() }`
  const taps = (cnt: number, n: number, q: number, base: number, t: number, body: () => void) => {
    e.get(base).set(q).get(n).set(cnt);
    e.loop();
    e.get(q).mem(I32_LOAD, 2).tee(t).i32(0).i32GeS().if();
    body();
    e.end();
    e.inc(q, 4);
    e.get(cnt).i32(1).i32Sub().tee(cnt).brIf(0);
    e.end();
  };
  e.loop(); // planes
  e.get(tapsD).set(pd).get(oD).set(od);
  e.loop(); // od
  e.get(tapsH).set(ph).get(oH).set(oh);
  e.loop(); // oh
  e.get(tapsW).set(pw).get(oW).set(ow);
  e.loop(); // ow
  negInf();
  e.set(best).i32(-1).set(idx);
  taps(a, wD, qa, pd, td, () =>
    taps(b, wH, qb, ph, th, () => {
      e.get(th).get(td).i32Add().set(th);
      taps(k, wW, qe, pw, tw, () => {
        e.get(th).get(tw).i32Add().set(tw); // tw: the flat index from here on
        e.get(src)
          .get(tw)
          .i32(f64 ? 3 : 2)
          .op(I32_SHL)
          .i32Add()
          .mem(f64 ? F64_LOAD : F32_LOAD, f64 ? 3 : 2)
          .set(v);
        // The first in-range tap is the answer until something beats it.
        e.get(tw).get(idx).get(idx).i32(0).i32LtS().op(SELECT).set(idx);
        e.get(v)
          .get(best)
          .op(f64 ? 0x64 : 0x5e); // gt
        e.get(v)
          .get(v)
          .op(f64 ? 0x62 : 0x5c); // ne: NaN
        e.op(I32_OR).set(isMax);
        e.get(v).get(best).get(isMax).op(SELECT).set(best);
        e.get(tw).get(idx).get(isMax).op(SELECT).set(idx);
      });
    }),
  );
  e.get(dst).get(idx).mem(I32_STORE, 2).inc(dst, 4);
  e.get(pw).get(wW).i32(4).i32Mul().i32Add().set(pw);
  e.get(ow).i32(1).i32Sub().tee(ow).brIf(0);
  e.end();
  e.get(ph).get(wH).i32(4).i32Mul().i32Add().set(ph);
  e.get(oh).i32(1).i32Sub().tee(oh).brIf(0);
  e.end();
  e.get(pd).get(wD).i32(4).i32Mul().i32Add().set(pd);
  e.get(od).i32(1).i32Sub().tee(od).brIf(0);
  e.end();
  e.get(src).get(planeStride).i32Add().set(src);
  e.get(planes).i32(1).i32Sub().tee(planes).brIf(0);
  e.end();
  return f;
}

// SIMD opcodes this module uses beyond the encoder's list.
const I32X4_SPLAT = 0x11;
const I32X4_EXTRACT = 0x1b;
const F32X4_REPLACE = 0x20;
const I32X4_LT_S = 0x39;
const I32X4_GT_S = 0x3b;
const I32X4_MAX_S = 0xb8;

/**
 * `maxpoolvf32(src, dst, planes, planeStride, table, groups, taps)`: the same argmax, four
 * windows at a time. `table` holds, for each group of four windows of a plane and each of the
 * `taps` window taps, the four windows' flat in-plane offsets (`-1`: padding), so every tap is
 * a 4-lane gather, a compare and two lane selects, without branches (random data makes the
 * scalar kernel's comparisons unpredictable). A window keeps a tap when it is in range and the
 * window has none yet, or the value is greater, or NaN: the scalar rule.
 */
function maxpoolVector(): Func {
  const f = new Func('maxpoolvf32', new Array<number>(7).fill(I32));
  const [src, dst, planes, planeStride, table, groups, taps] = Array.from({ length: 7 }, (_, i) => i);
  const [q, g, t] = [f.local(I32), f.local(I32), f.local(I32)];
  const [offs, addr, v, best, idx, take] = Array.from({ length: 6 }, () => f.local(V128));
  const e = f.code;
  e.loop(); // planes
  e.get(table).set(q).get(groups).set(g);
  e.loop(); // groups of four windows
  e.f32x4Const(-Infinity).set(best).i32x4Const(-1).set(idx).get(taps).set(t);
  e.loop(); // taps
  e.get(q).simdMem(Simd.load, 0).tee(offs).i32x4Const(0).simd(I32X4_MAX_S).i32(2).simd(Simd.i32x4Shl);
  e.get(src).simd(I32X4_SPLAT).simd(Simd.i32x4Add).set(addr);
  e.get(addr).simd(I32X4_EXTRACT, 0).mem(F32_LOAD, 2).simd(Simd.f32x4Splat);
  for (let lane = 1; lane < 4; lane++) {
    e.get(addr).simd(I32X4_EXTRACT, lane).mem(F32_LOAD, 2).simd(F32X4_REPLACE, lane);
  }
  e.tee(v).get(best).simd(Simd.f32x4Gt).get(v).get(v).simd(Simd.f32x4Ne).simd(Simd.or);
  e.get(idx).i32x4Const(0).simd(I32X4_LT_S).simd(Simd.or);
  e.get(offs).i32x4Const(-1).simd(I32X4_GT_S).simd(Simd.and).set(take);
  e.get(v).get(best).get(take).simd(Simd.bitselect).set(best);
  e.get(offs).get(idx).get(take).simd(Simd.bitselect).set(idx);
  e.inc(q, 16);
  e.get(t).i32(1).i32Sub().tee(t).brIf(0);
  e.end();
  e.get(dst).get(idx).simdMem(Simd.store, 0).inc(dst, 16);
  e.get(g).i32(1).i32Sub().tee(g).brIf(0);
  e.end();
  e.get(src).get(planeStride).i32Add().set(src);
  e.get(planes).i32(1).i32Sub().tee(planes).brIf(0);
  e.end();
  return f;
}

/** Bytes of the module exporting `maxpoolf32`, `maxpoolf64` and `maxpoolvf32`. */
export function poolModule(): Uint8Array {
  return encodeModule([maxpool('f32'), maxpool('f64'), maxpoolVector()]);
}
