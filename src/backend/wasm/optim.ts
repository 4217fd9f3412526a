// Fused optimizer updates on the wasm backend. The Adam kernels give the js kernel's bits: each
// step is the same IEEE operation on the same values, rounded to float32 where the js kernel
// calls Math.fround. Operands stream through the scratch memory in chunks that stay in L1/L2.

import { adamConstants, adamStep as jsAdamStep, type AdamHyper, type Run } from '../js/optim.js';
import { Code, encodeModule, F64, Func, I32, Simd, V128 } from './encoder.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';

const F64X2_SPLAT = 0x14;
const F64X2_SQRT = 0xef;
const F64X2_NE = 0x48;
const F64X2_GT = 0x4a;
const F32X4_DEMOTE = 0x5e;

/** The float64 hyperparameters every Adam function takes after its pointers, in order. */
const SCALARS = ['decay', 'wd', 'b1', 'c1', 'b2', 'c2', 'negStep', 'bc2Sqrt', 'eps'] as const;

/**
 * `adamf64{mode}{ams}(p, g, m, v, vmax, pairs, ...SCALARS)`: the js kernel's loop for float64
 * (no roundings), two elements per iteration, over `pairs` pairs of each operand (byte
 * addresses in scratch).
 */
function adamFunc64(mode: 0 | 1 | 2, ams: boolean): Func {
  const f = new Func(`adamf64${mode}${ams ? 1 : 0}`, [...new Array<number>(6).fill(I32), ...SCALARS.map(() => F64)]);
  const [p, g, m, v, vmax, pairs] = [0, 1, 2, 3, 4, 5];
  const e: Code = f.code;
  const k = Object.fromEntries(SCALARS.map((name) => [name, f.local(V128)])) as Record<string, number>;
  SCALARS.forEach((name, i) =>
    e
      .get(6 + i)
      .simd(F64X2_SPLAT)
      .set(k[name]),
  );
  const [wi, gi, mi, vi, s, t] = Array.from({ length: 6 }, () => f.local(V128));
  const load = (ptr: number) => e.get(ptr).simdMem(Simd.load, 0, 3);
  const [add, mul, div] = [Simd.f64x2Add, Simd.f64x2Mul, Simd.f64x2Div];
  e.block().get(pairs).i32Eqz().brIf(0).loop();
  load(p).set(wi);
  load(g).set(gi);
  if (mode === 2) e.get(wi).get(k.decay).simd(mul).set(wi);
  else if (mode === 1) e.get(gi).get(k.wd).get(wi).simd(mul).simd(add).set(gi);
  load(m).get(k.b1).simd(mul).get(k.c1).get(gi).simd(mul).simd(add).set(mi);
  load(v).get(k.b2).simd(mul).get(k.c2).get(gi).simd(mul).get(gi).simd(mul).simd(add).tee(vi).set(s);
  e.get(m).get(mi).simdMem(Simd.store, 0, 3);
  e.get(v).get(vi).simdMem(Simd.store, 0, 3);
  if (ams) {
    // s = prev > v || prev is NaN ? prev : v
    load(vmax).tee(t).get(vi).get(t).get(vi).simd(F64X2_GT).get(t).get(t).simd(F64X2_NE).simd(Simd.or);
    e.simd(Simd.bitselect).set(s);
    e.get(vmax).get(s).simdMem(Simd.store, 0, 3);
    e.inc(vmax, 16);
  }
  e.get(s).simd(F64X2_SQRT).get(k.bc2Sqrt).simd(div).get(k.eps).simd(add).set(t);
  e.get(p).get(wi).get(k.negStep).get(mi).simd(mul).get(t).simd(div).simd(add).simdMem(Simd.store, 0, 3);
  for (const ptr of [p, g, m, v]) e.inc(ptr, 16);
  e.get(pairs).i32(1).i32Sub().tee(pairs).brIf(0);
  e.end().end();
  return f;
}

// float32, four elements per iteration: products, quotients, square roots and sums of two
// float32 values are single float32 operations (one correctly rounded result, as Math.fround of
// the double result is); only `a + b·c` with an unrounded product, which PyTorch's add(alpha)
// and addcmul round once, is computed in float64 lanes and rounded once.
function adamFunc32(mode: 0 | 1 | 2, ams: boolean): Func {
  const f = new Func(`adamf32${mode}${ams ? 1 : 0}`, [...new Array<number>(6).fill(I32), ...SCALARS.map(() => F64)]);
  const [p, g, m, v, vmax, quads] = [0, 1, 2, 3, 4, 5];
  const e: Code = f.code;
  // Each scalar as float32 lanes, and c1 and wd also as float64 lanes for the fused sums.
  const k = Object.fromEntries(SCALARS.map((name) => [name, f.local(V128)])) as Record<string, number>;
  SCALARS.forEach((name, i) =>
    e
      .get(6 + i)
      .op(0xb6)
      .simd(Simd.f32x4Splat)
      .set(k[name]),
  ); // f32.demote_f64
  const c1d = f.local(V128);
  const wdd = f.local(V128);
  e.get(9).simd(F64X2_SPLAT).set(c1d).get(7).simd(F64X2_SPLAT).set(wdd);
  const [wi, gi, mi, vi, s, t, lo] = Array.from({ length: 7 }, () => f.local(V128));
  const HI = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
  const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const promote = (x: number, high: boolean) => {
    e.get(x);
    if (high) e.get(x).simd(0x0d, ...HI);
    e.simd(Simd.f64x2PromoteLowF32x4);
  };
  // R(a + b * c) for float32 lanes a and c; b is float64 lanes (`bd`) or float32 lanes (`bf`).
  const fused = (a: number, b: { bd?: number; bf?: number }, c: number, out: number) => {
    for (const high of [false, true]) {
      promote(a, high);
      if (b.bd !== undefined) e.get(b.bd);
      else promote(b.bf!, high);
      promote(c, high);
      e.simd(Simd.f64x2Mul).simd(Simd.f64x2Add).simd(F32X4_DEMOTE);
      if (!high) e.set(lo);
    }
    e.set(t)
      .get(lo)
      .get(t)
      .simd(0x0d, ...JOIN)
      .set(out);
  };
  const [mul, add, div] = [Simd.f32x4Mul, Simd.f32x4Add, Simd.f32x4Div];
  e.block().get(quads).i32Eqz().brIf(0).loop();
  e.get(p).simdMem(Simd.load, 0).set(wi);
  e.get(g).simdMem(Simd.load, 0).set(gi);
  if (mode === 2) e.get(wi).get(k.decay).simd(mul).set(wi);
  else if (mode === 1) fused(gi, { bd: wdd }, wi, gi);
  e.get(m).simdMem(Simd.load, 0).get(k.b1).simd(mul).set(s);
  fused(s, { bd: c1d }, gi, mi);
  e.get(v).simdMem(Simd.load, 0).get(k.b2).simd(mul).set(s);
  e.get(k.c2).get(gi).simd(mul).set(vi);
  fused(s, { bf: vi }, gi, vi);
  e.get(m).get(mi).simdMem(Simd.store, 0);
  e.get(v).get(vi).simdMem(Simd.store, 0);
  e.get(vi).set(s);
  if (ams) {
    e.get(vmax).simdMem(Simd.load, 0).tee(t).get(vi).get(t).get(vi).simd(Simd.f32x4Gt).get(t).get(t);
    e.simd(Simd.f32x4Ne).simd(Simd.or).simd(Simd.bitselect).set(s);
    e.get(vmax).get(s).simdMem(Simd.store, 0);
    e.inc(vmax, 16);
  }
  e.get(s).simd(0xe3).get(k.bc2Sqrt).simd(div).get(k.eps).simd(add).set(t); // f32x4.sqrt
  e.get(p).get(wi).get(k.negStep).get(mi).simd(mul).get(t).simd(div).simd(add).simdMem(Simd.store, 0);
  for (const ptr of [p, g, m, v]) e.inc(ptr, 16);
  e.get(quads).i32(1).i32Sub().tee(quads).brIf(0);
  e.end().end();
  return f;
}

type AdamFn = (...args: number[]) => void;
const mods = new Map<string, Record<string, AdamFn>>();

/** Bytes of the Adam module of one dtype: every weight-decay mode, with and without AMSGrad. */
export function adamModule(dtype: 'f32' | 'f64'): Uint8Array {
  const funcs: Func[] = [];
  for (const mode of [0, 1, 2] as const) {
    for (const ams of [false, true]) funcs.push(dtype === 'f32' ? adamFunc32(mode, ams) : adamFunc64(mode, ams));
  }
  return encodeModule(funcs);
}

// The module of a dtype, compiled on first use (each is under the 4 KB that browsers compile
// synchronously on the main thread).
function adamKernels(dtype: 'f32' | 'f64'): Record<string, AdamFn> {
  let m = mods.get(dtype);
  if (!m) {
    m = instantiate(adamModule(dtype)) as Record<string, AdamFn>;
    mods.set(dtype, m);
  }
  return m;
}

/** Elements per chunk: five operands of 16 KB (float32) stay in L1/L2. */
const CHUNK = 4096;

/**
 * Adam/AdamW step on the wasm backend: the same bits as the js kernel, for float32 or float64
 * runs all of one dtype; mixed dtypes use the js kernel.
 */
export function adamStep(
  n: number,
  param: Run,
  grad: Run,
  expAvg: Run,
  expAvgSq: Run,
  maxExpAvgSq: Run | null,
  h: AdamHyper,
): void {
  const runs = [param, grad, expAvg, expAvgSq, ...(maxExpAvgSq ? [maxExpAvgSq] : [])];
  const ctor = param.data.constructor;
  const float = param.data instanceof Float32Array || param.data instanceof Float64Array;
  if (!float || !hasSimd() || n === 0 || runs.some((r) => r.data.constructor !== ctor)) {
    jsAdamStep(n, param, grad, expAvg, expAvgSq, maxExpAvgSq, h);
    return;
  }
  const f32 = param.data instanceof Float32Array;
  const es = f32 ? 4 : 8;
  const c = adamConstants(h, f32 ? Math.fround : (x) => x);
  const run = adamKernels(f32 ? 'f32' : 'f64')[`adam${f32 ? 'f32' : 'f64'}${c.mode}${maxExpAvgSq ? 1 : 0}`];
  const chunk = Math.min(CHUNK, (n + 3) & ~3);
  const scratch = getScratch();
  scratch.ensure(runs.length * chunk * es);
  const mem = f32 ? scratch.f32 : scratch.f64;
  const scalars = SCALARS.map((name) => c[name]);
  for (let s = 0; s < n; s += chunk) {
    const len = Math.min(chunk, n - s);
    runs.forEach((r, i) => mem.set(r.data.subarray(r.off + s, r.off + s + len), i * chunk));
    const [p, g, m, v, vm] = [0, 1, 2, 3, 4].map((i) => i * chunk * es);
    run(p, g, m, v, maxExpAvgSq ? vm : 0, f32 ? (len + 3) >> 2 : (len + 1) >> 1, ...scalars);
    // The gradient is read only.
    runs.forEach((r, i) => {
      if (i !== 1) r.data.set(mem.subarray(i * chunk, i * chunk + len), r.off + s);
    });
  }
}
