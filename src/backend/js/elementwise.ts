import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryKernel, BinaryOp, UnaryKernel, UnaryOp, View } from '../types.js';
import { erf, erfc, floorDivide, remainder, roundHalfEven, sigmoid, sign } from './math.js';
import { isContiguousView, offsets } from './strided.js';

// How a kernel walks an operand: in order from `start` (contiguous), always at `start` (a
// broadcast scalar, every stride 0), or through a table of offsets (any other layout).
type Walk = { start: number; step: 0 | 1 } | { table: Int32Array };

function walk(v: View): Walk {
  if (isContiguousView(v)) return { start: v.offset, step: 1 };
  if (v.strides.every((st) => st === 0)) return { start: v.offset, step: 0 };
  return { table: offsets(v) };
}

function unary(f: (x: number) => number): UnaryKernel {
  return (x: View, out: TypedArray) => {
    const n = out.length;
    const d = x.data;
    // bool outputs must store 0/1, not a truncated number.
    const g = out instanceof Uint8Array ? (v: number) => (f(v) ? 1 : 0) : f;
    const w = walk(x);
    if ('table' in w) {
      const o = w.table;
      for (let i = 0; i < n; i++) out[i] = g(d[o[i]]);
    } else if (w.step === 1) {
      const s = w.start;
      for (let i = 0; i < n; i++) out[i] = g(d[s + i]);
    } else out.fill(g(d[w.start]));
  };
}

function binary(f: (a: number, b: number) => number): BinaryKernel {
  return (a: View, b: View, out: TypedArray) => {
    const n = out.length;
    const ad = a.data;
    const bd = b.data;
    const g = out instanceof Uint8Array ? (u: number, v: number) => (f(u, v) ? 1 : 0) : f;
    const wa = walk(a);
    const wb = walk(b);
    if (!('table' in wa) && !('table' in wb)) {
      // Contiguous or scalar operands: the common cases, with no offset tables.
      const as = wa.start;
      const bs = wb.start;
      if (wa.step === 1 && wb.step === 1) for (let i = 0; i < n; i++) out[i] = g(ad[as + i], bd[bs + i]);
      else if (wa.step === 1) {
        const bv = bd[bs];
        for (let i = 0; i < n; i++) out[i] = g(ad[as + i], bv);
      } else if (wb.step === 1) {
        const av = ad[as];
        for (let i = 0; i < n; i++) out[i] = g(av, bd[bs + i]);
      } else out.fill(g(ad[as], bd[bs]));
      return;
    }
    const ao = 'table' in wa ? wa.table : offsets(a);
    const bo = 'table' in wb ? wb.table : offsets(b);
    for (let i = 0; i < n; i++) out[i] = g(ad[ao[i]], bd[bo[i]]);
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
  // NaN stays NaN (x > 0 is false for NaN, so test it first).
  relu: unary((x) => (x > 0 || x !== x ? x : 0)),
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
  const wc = walk(cond);
  const wa = walk(a);
  const wb = walk(b);
  // The usual call: a contiguous mask choosing between a contiguous tensor and a scalar.
  if (!('table' in wc) && wc.step === 1 && !('table' in wa) && !('table' in wb)) {
    const cd = cond.data;
    const ad = a.data;
    const bd = b.data;
    const [cs, as, bs, ak, bk] = [wc.start, wa.start, wb.start, wa.step, wb.step];
    for (let i = 0; i < out.length; i++) out[i] = cd[cs + i] !== 0 ? ad[as + ak * i] : bd[bs + bk * i];
    return;
  }
  const co = offsets(cond);
  const ao = offsets(a);
  const bo = offsets(b);
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < out.length; i++) out[i] = cd[co[i]] !== 0 ? ad[ao[i]] : bd[bo[i]];
}
