// Generates the float32 elementwise kernels beyond add/sub/mul/div/exp/relu: cheap maps (neg,
// abs, sqrt, square, reciprocal, rsqrt), the transcendental ones (log, tanh, sigmoid, built on
// the exp of elementwise-codegen.ts), maximum and minimum, and the comparisons (float32 in,
// bool bytes out). Same conventions as elementwise-codegen.ts: byte lengths, multiples of 16.
//
// Distance from the correctly rounded float32 result, measured on dense grids and special
// values against the js kernels (a float64 Math result rounded once to float32, correctly
// rounded but for rare double roundings); test/wasm-norm.test.ts checks these bounds:
// - exact: neg, abs, sqrt, square, reciprocal (one IEEE operation or a sign bit), maximum,
//   minimum (which may return -0 where the js kernel returns +0, or back) and the comparisons;
// - rsqrt <= 1 ulp (a square root and a division, rounded twice);
// - log <= 1 ulp (see `logEmitter`);
// - tanh <= 2 ulp, sigmoid <= 2 ulp (exp's 1 ulp, then an addition and a division).

import { Code, encodeModule, Func, I32, Simd, V128 } from './encoder.js';
import { expEmitter, LN2_HI, LN2_LO, vectorLoop } from './elementwise-codegen.js';

/** SIMD opcodes used here that encoder.ts does not name. */
export const Op = {
  shuffle: 0x0d,
  i32x4GtS: 0x3b,
  f32x4Eq: 0x41,
  f32x4Lt: 0x43,
  f32x4Le: 0x45,
  xor: 0x51,
  i8x16NarrowI16x8S: 0x65,
  i16x8NarrowI32x4S: 0x85,
  i32x4ShrU: 0xad,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4ConvertI32x4S: 0xfa,
} as const;

const { f32x4Add: add, f32x4Sub: sub, f32x4Mul: mul, f32x4Div: div } = Simd;

/** `v128.const` with four i32 lanes given one by one. */
export function i32x4Lanes(e: Code, lanes: readonly number[]): Code {
  return e.simd(0x0c, ...new Uint8Array(new Int32Array(lanes).buffer));
}

// Below 2^-126 (subnormal) the input is scaled by 2^23 first, so its exponent field is exact.
const SUBNORMAL = 2 ** -126;
// Adding (1 - sqrt(2)/2) in the bit domain moves the mantissa range [1, 2) to [sqrt(2)/2, sqrt(2)),
// so f = m - 1 is small on both sides of 1 (and exact: Sterbenz).
const SQRT_HALF_BITS = 0x3f3504f3;

/**
 * Emits log of the f32x4 on top of the stack, in place (locals declared once in `f`).
 * x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f), and
 * log(1 + f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R), R = sum_{i=1..5} 2 s^(2i) / (2i + 1)
 * (truncation below 4e-10 since s^2 < 0.03); k ln2 added in two parts (Cody-Waite), the
 * exact large part last. Zero gives -inf, negatives NaN, +inf and NaN themselves.
 */
export function logEmitter(f: Func): (e: Code) => void {
  const [x, v, k, fr, s, z, hf] = [V128, V128, V128, V128, V128, V128, V128].map((t) => f.local(t));
  return (e) => {
    e.tee(x).f32x4Const(SUBNORMAL).simd(Op.f32x4Lt).set(k); // k: the subnormal mask for now
    e.get(x)
      .f32x4Const(2 ** 23)
      .simd(mul)
      .get(x)
      .get(k)
      .simd(Simd.bitselect);
    e.i32x4Const(0x3f800000 - SQRT_HALF_BITS)
      .simd(Simd.i32x4Add)
      .set(v);
    // k = exponent - 127 - (23 if scaled).
    e.get(v).i32(23).simd(Simd.i32x4ShrS).i32x4Const(127).simd(Simd.i32x4Sub);
    e.get(k).i32x4Const(23).simd(Simd.and).simd(Simd.i32x4Sub).simd(Op.f32x4ConvertI32x4S).set(k);
    e.get(v).i32x4Const(0x7fffff).simd(Simd.and).i32x4Const(SQRT_HALF_BITS).simd(Simd.i32x4Add);
    e.f32x4Const(1).simd(sub).set(fr);
    e.get(fr).get(fr).f32x4Const(2).simd(add).simd(div).tee(s).get(s).simd(mul).set(z);
    e.get(fr).get(fr).simd(mul).f32x4Const(0.5).simd(mul).set(hf);
    e.f32x4Const(2 / 11);
    for (const c of [2 / 9, 2 / 7, 2 / 5, 2 / 3]) e.get(z).simd(mul).f32x4Const(c).simd(add);
    e.get(z).simd(mul).get(hf).simd(add).get(s).simd(mul); // s (hf + R)
    e.get(k).f32x4Const(LN2_LO).simd(mul).simd(add).get(hf).simd(sub).get(fr).simd(add);
    e.get(k).f32x4Const(LN2_HI).simd(mul).simd(add);
    // Special inputs: +inf and NaN give themselves, negatives NaN, zeros -inf.
    e.get(x).get(x).f32x4Const(Infinity).simd(Op.f32x4Lt).simd(Simd.bitselect); // keep r where x < inf
    e.set(v).f32x4Const(NaN).get(v).get(x).f32x4Const(0).simd(Op.f32x4Lt).simd(Simd.bitselect);
    e.set(v).f32x4Const(-Infinity).get(v).get(x).f32x4Const(0).simd(Op.f32x4Eq).simd(Simd.bitselect);
  };
}

/** A `(x, out, bytes)` map whose `body` turns the f32x4 on the stack into the result. */
function map1(name: string, body: (f: Func) => (e: Code) => void): Func {
  const f = new Func(name, [I32, I32, I32]);
  const [x, out, bytes] = [0, 1, 2];
  const emit = body(f);
  const e = f.code;
  vectorLoop(e, bytes, [x, out], () => {
    e.get(out).get(x).simdMem(Simd.load, 0);
    emit(e);
    e.simdMem(Simd.store, 0);
  });
  return f;
}

const op1 = (opcode: number) => () => (e: Code) => void e.simd(opcode);

// tanh(x) = x + x z P(z), z = x^2, from its Taylor series for |x| < 0.55 (the next term is
// below 3e-9 relative there); beyond, sign(x) (1 - t) / (1 + t) with t = exp(-2|x|), where
// t < 0.34 keeps the cancellation in 1 - t under half an ulp.
const TANH_SMALL = 0.55;
const TANH_TAYLOR = [
  -1 / 3,
  2 / 15,
  -17 / 315,
  62 / 2835,
  -1382 / 155925,
  21844 / 6081075,
  -929569 / 638512875,
  6404582 / 10854718875,
];

function tanh(f: Func): (e: Code) => void {
  const exp = expEmitter(f);
  const [x, t, z] = [V128, V128, V128].map((ty) => f.local(ty));
  return (e) => {
    e.tee(x).simd(Op.f32x4Abs).f32x4Const(-2).simd(mul);
    exp(e);
    e.set(t).f32x4Const(1).get(t).simd(sub).f32x4Const(1).get(t).simd(add).simd(div);
    // Copy x's sign bit onto (1 - t) / (1 + t).
    e.get(x).i32x4Const(0x7fffffff).simd(Simd.bitselect).set(t);
    e.get(x).get(x).simd(mul).set(z);
    e.f32x4Const(TANH_TAYLOR[TANH_TAYLOR.length - 1]);
    for (let i = TANH_TAYLOR.length - 2; i >= 0; i--) e.get(z).simd(mul).f32x4Const(TANH_TAYLOR[i]).simd(add);
    e.get(z).simd(mul).get(x).simd(mul).get(x).simd(add);
    e.get(t).get(x).simd(Op.f32x4Abs).f32x4Const(TANH_SMALL).simd(Op.f32x4Lt).simd(Simd.bitselect);
  };
}

// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|) <= 1, so
// nothing overflows and tiny results (down to subnormals) keep their precision.
function sigmoid(f: Func): (e: Code) => void {
  const exp = expEmitter(f);
  const [x, t] = [V128, V128].map((ty) => f.local(ty));
  return (e) => {
    e.tee(x).simd(Op.f32x4Abs).simd(Op.f32x4Neg);
    exp(e);
    e.set(t).get(t).f32x4Const(1).get(x).f32x4Const(0).simd(Op.f32x4Lt).simd(Simd.bitselect);
    e.f32x4Const(1).get(t).simd(add).simd(div);
  };
}

/** A `(a, b, out, bytes)` map applying one instruction. */
function map2(name: string, opcode: number): Func {
  const f = new Func(name, [I32, I32, I32, I32]);
  const [a, b, out, bytes] = [0, 1, 2, 3];
  const e = f.code;
  vectorLoop(e, bytes, [a, b, out], () => {
    e.get(out).get(a).simdMem(Simd.load, 0).get(b).simdMem(Simd.load, 0).simd(opcode).simdMem(Simd.store, 0);
  });
  return f;
}

/**
 * `(a, b, out, bytes)`: out[i] = a[i] cmp b[i] as a 0/1 byte; `bytes` counts float32 input bytes
 * (a multiple of 64: 16 values per step, narrowed from four lane masks to one vector of bytes).
 * `swap` compares b with a (gt and ge as lt and le); `invert` negates (ne as not eq).
 */
function compare(name: string, opcode: number, swap: boolean, invert: boolean): Func {
  const f = new Func(name, [I32, I32, I32, I32]);
  const [a, b, out, bytes] = [0, 1, 2, 3];
  const e = f.code;
  e.block().get(bytes).i32Eqz().brIf(0).loop();
  e.get(out);
  for (let q = 0; q < 4; q++) {
    const [l, r] = swap ? [b, a] : [a, b];
    e.get(l)
      .simdMem(Simd.load, 16 * q, 2)
      .get(r)
      .simdMem(Simd.load, 16 * q, 2)
      .simd(opcode);
    if (q % 2 === 1) e.simd(Op.i16x8NarrowI32x4S);
  }
  e.simd(Op.i8x16NarrowI16x8S);
  if (invert) e.i32x4Const(-1).simd(Op.xor);
  e.i32x4Const(0x01010101).simd(Simd.and).simdMem(Simd.store, 0, 0);
  e.inc(a, 64).inc(b, 64).inc(out, 16);
  e.get(bytes).i32(64).i32Sub().tee(bytes).brIf(0);
  e.end().end();
  return f;
}

/** Bytes of the module of the kernels above (each exported under its op name). */
export function unaryModule(): Uint8Array {
  return encodeModule([
    map1('neg', op1(Op.f32x4Neg)),
    map1('abs', op1(Op.f32x4Abs)),
    map1('sqrt', op1(Op.f32x4Sqrt)),
    map1('square', (f) => {
      const t = f.local(V128);
      return (e) => void e.tee(t).get(t).simd(mul);
    }),
    map1('reciprocal', (f) => {
      const t = f.local(V128);
      return (e) => void e.set(t).f32x4Const(1).get(t).simd(div);
    }),
    map1('rsqrt', (f) => {
      const t = f.local(V128);
      return (e) => void e.simd(Op.f32x4Sqrt).set(t).f32x4Const(1).get(t).simd(div);
    }),
    map1('log', logEmitter),
    map1('tanh', tanh),
    map1('sigmoid', sigmoid),
    map2('maximum', Simd.f32x4Max),
    map2('minimum', Simd.f32x4Min),
    compare('eq', Op.f32x4Eq, false, false),
    compare('ne', Op.f32x4Eq, false, true),
    compare('lt', Op.f32x4Lt, false, false),
    compare('le', Op.f32x4Le, false, false),
    compare('gt', Op.f32x4Lt, true, false),
    compare('ge', Op.f32x4Le, true, false),
  ]);
}
