import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryKernel, BinaryOp, UnaryKernel, UnaryOp, View } from '../types.js';
import { erf, erfc, floorDivide, remainder, roundHalfEven, sigmoid, sign } from './math.js';
import { isContiguousView, offsets } from './strided.js';

function unary(f: (x: number) => number): UnaryKernel {
  return (x: View, out: TypedArray) => {
    const n = out.length;
    const d = x.data;
    // bool outputs must store 0/1, not a truncated number.
    if (out instanceof Uint8Array) {
      const o = offsets(x);
      for (let i = 0; i < n; i++) out[i] = f(d[o[i]]) ? 1 : 0;
    } else if (isContiguousView(x)) {
      const s = x.offset;
      for (let i = 0; i < n; i++) out[i] = f(d[s + i]);
    } else {
      const o = offsets(x);
      for (let i = 0; i < n; i++) out[i] = f(d[o[i]]);
    }
  };
}

function binary(f: (a: number, b: number) => number): BinaryKernel {
  return (a: View, b: View, out: TypedArray) => {
    const n = out.length;
    const ad = a.data;
    const bd = b.data;
    if (out instanceof Uint8Array) {
      const ao = offsets(a);
      const bo = offsets(b);
      for (let i = 0; i < n; i++) out[i] = f(ad[ao[i]], bd[bo[i]]) ? 1 : 0;
    } else if (isContiguousView(a) && isContiguousView(b)) {
      const as = a.offset;
      const bs = b.offset;
      for (let i = 0; i < n; i++) out[i] = f(ad[as + i], bd[bs + i]);
    } else {
      const ao = offsets(a);
      const bo = offsets(b);
      for (let i = 0; i < n; i++) out[i] = f(ad[ao[i]], bd[bo[i]]);
    }
  };
}

/** Reference elementwise kernels of one operand. */
export const unaryKernels: { [K in UnaryOp]: UnaryKernel } = {
  neg: unary((x) => -x),
  abs: unary(Math.abs),
  sign: unary(sign),
  exp: unary(Math.exp),
  exp2: unary((x) => 2 ** x),
  log: unary(Math.log),
  log2: unary(Math.log2),
  log1p: unary(Math.log1p),
  expm1: unary(Math.expm1),
  sqrt: unary(Math.sqrt),
  rsqrt: unary((x) => 1 / Math.sqrt(x)),
  square: unary((x) => x * x),
  reciprocal: unary((x) => 1 / x),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  tanh: unary(Math.tanh),
  asinh: unary(Math.asinh),
  acosh: unary(Math.acosh),
  atanh: unary(Math.atanh),
  sigmoid: unary(sigmoid),
  erf: unary(erf),
  erfc: unary(erfc),
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  round: unary(roundHalfEven),
  trunc: unary(Math.trunc),
  logicalNot: unary((x) => (x === 0 ? 1 : 0)),
  isnan: unary((x) => (Number.isNaN(x) ? 1 : 0)),
  isinf: unary((x) => (x === Infinity || x === -Infinity ? 1 : 0)),
  isfinite: unary((x) => (Number.isFinite(x) ? 1 : 0)),
};

const mulKernel = binary((a, b) => a * b);
const imulKernel = binary(Math.imul);

/** Reference elementwise kernels of two operands. */
export const binaryKernels: { [K in BinaryOp]: BinaryKernel } = {
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  // int32 products must wrap like C, not round through a double.
  mul: (a, b, out) => (out instanceof Int32Array ? imulKernel(a, b, out) : mulKernel(a, b, out)),
  div: binary((a, b) => a / b),
  pow: binary((a, b) => a ** b),
  maximum: binary((a, b) => (a !== a || b !== b ? NaN : a > b ? a : b)),
  minimum: binary((a, b) => (a !== a || b !== b ? NaN : a < b ? a : b)),
  atan2: binary(Math.atan2),
  fmod: binary((a, b) => a % b),
  remainder: binary(remainder),
  floorDivide: binary(floorDivide),
  eq: binary((a, b) => (a === b ? 1 : 0)),
  ne: binary((a, b) => (a !== b ? 1 : 0)),
  lt: binary((a, b) => (a < b ? 1 : 0)),
  le: binary((a, b) => (a <= b ? 1 : 0)),
  gt: binary((a, b) => (a > b ? 1 : 0)),
  ge: binary((a, b) => (a >= b ? 1 : 0)),
  logicalAnd: binary((a, b) => (a !== 0 && b !== 0 ? 1 : 0)),
  logicalOr: binary((a, b) => (a !== 0 || b !== 0 ? 1 : 0)),
  logicalXor: binary((a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0)),
};

/** Copies `src` into the strided `dst`, converting to `dst`'s element type. */
export function copy(src: View, dst: View): void {
  const so = offsets(src);
  const dd = dst.data;
  const sd = src.data;
  const n = so.length;
  if (dd instanceof Uint8Array) {
    const doff = offsets(dst);
    // NaN is nonzero, so it converts to true, as in PyTorch.
    for (let i = 0; i < n; i++) dd[doff[i]] = sd[so[i]] !== 0 ? 1 : 0;
  } else if (isContiguousView(dst)) {
    const s = dst.offset;
    for (let i = 0; i < n; i++) dd[s + i] = sd[so[i]];
  } else {
    const doff = offsets(dst);
    for (let i = 0; i < n; i++) dd[doff[i]] = sd[so[i]];
  }
}

/** `out[i] = cond[i] ? a[i] : b[i]`. */
export function where(cond: View, a: View, b: View, out: TypedArray): void {
  const co = offsets(cond);
  const ao = offsets(a);
  const bo = offsets(b);
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < out.length; i++) out[i] = cd[co[i]] !== 0 ? ad[ao[i]] : bd[bo[i]];
}
