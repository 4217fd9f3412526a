import type { TypedArray } from '../../tensor/dtype.js';
import type { BinaryKernel, BinaryOp, UnaryKernel, UnaryOp, View } from '../types.js';
import { ZERO_ONE, binaryLoops, unaryLoops, type Loop1, type Loop2 } from './loops.js';
import { flatten, gather, isContiguousView, type Flat } from './strided.js';

// Operands that are not one contiguous run (broadcast, transposed, sliced) are gathered a block
// at a time into a buffer of their own element type, so every kernel runs the same flat loops,
// no per-element offset table is built, and a float32 model keeps every loop monomorphic
// (V8's loads slow down once a loop has seen many array types). Kernels are synchronous and
// never nest, so the buffers are shared.
const BLOCK = 4096;
const buffers = new Map<unknown, TypedArray[]>();
const boolScratch = new Float64Array(BLOCK);

// Buffer `slot` (one per operand of a kernel) of `like`'s element type.
function scratch(like: TypedArray, slot: number): TypedArray {
  let list = buffers.get(like.constructor);
  if (list === undefined) {
    const make = like.constructor as new (n: number) => TypedArray;
    list = [new make(BLOCK), new make(BLOCK), new make(BLOCK)];
    buffers.set(like.constructor, list);
  }
  return list[slot];
}

// Where a kernel reads an operand: `data` from `start` when it is contiguous, else `flat`, to be
// gathered block by block.
type Operand = { data: TypedArray; start: number; flat: Flat | null };

function operand(v: View): Operand {
  return isContiguousView(v)
    ? { data: v.data, start: v.offset, flat: null }
    : { data: v.data, start: 0, flat: flatten(v) };
}

// The array and index holding elements [s, s + m) of an operand: the data itself, or scratch
// buffer `slot` filled with them.
function block(o: Operand, s: number, m: number, slot: number): [TypedArray, number] {
  if (o.flat === null) return [o.data, o.start + s];
  const buf = scratch(o.data, slot);
  gather(o.flat, s, m, buf, 0);
  return [buf, 0];
}

// A bool output must hold 0/1: functions that may return other values write a float64 buffer
// first, and nonzero becomes 1 (NaN is falsy, as `Boolean(NaN)`).
function toBool(src: TypedArray, out: TypedArray, at: number, m: number): void {
  for (let k = 0; k < m; k++) out[at + k] = src[k] ? 1 : 0;
}

function unary(op: UnaryOp): UnaryKernel {
  const loop: Loop1 = unaryLoops[op];
  const zeroOne = ZERO_ONE.has(op);
  return (x: View, out: TypedArray) => {
    const n = out.length;
    const direct = zeroOne || !(out instanceof Uint8Array);
    const ox = operand(x);
    // The usual call, a contiguous input: one loop, no copies.
    if (ox.flat === null && direct) {
      loop(ox.data, ox.start, out, 0, n);
      return;
    }
    for (let s = 0; s < n; s += BLOCK) {
      const m = Math.min(BLOCK, n - s);
      const [xd, xi] = block(ox, s, m, 0);
      if (direct) loop(xd, xi, out, s, m);
      else {
        loop(xd, xi, boolScratch, 0, m);
        toBool(boolScratch, out, s, m);
      }
    }
  };
}

function binary(op: BinaryOp): BinaryKernel {
  const loop: Loop2 = binaryLoops[op];
  const zeroOne = ZERO_ONE.has(op);
  return (a: View, b: View, out: TypedArray) => {
    const n = out.length;
    const direct = zeroOne || !(out instanceof Uint8Array);
    const oa = operand(a);
    const ob = operand(b);
    // The usual call, two contiguous operands: one loop, no copies.
    if (oa.flat === null && ob.flat === null && direct) {
      loop(oa.data, oa.start, ob.data, ob.start, out, 0, n);
      return;
    }
    for (let s = 0; s < n; s += BLOCK) {
      const m = Math.min(BLOCK, n - s);
      const [ad, ai] = block(oa, s, m, 0);
      const [bd, bi] = block(ob, s, m, 1);
      if (direct) loop(ad, ai, bd, bi, out, s, m);
      else {
        loop(ad, ai, bd, bi, boolScratch, 0, m);
        toBool(boolScratch, out, s, m);
      }
    }
  };
}

function table<K extends string, V>(names: readonly K[], make: (k: K) => V): { [P in K]: V } {
  return Object.fromEntries(names.map((k) => [k, make(k)])) as { [P in K]: V };
}

/** Reference elementwise kernels of one operand. */
export const unaryKernels: { [K in UnaryOp]: UnaryKernel } = table(Object.keys(unaryLoops) as UnaryOp[], unary);

/** Reference elementwise kernels of two operands. */
export const binaryKernels: { [K in BinaryOp]: BinaryKernel } = table(Object.keys(binaryLoops) as BinaryOp[], binary);

/** Copies `src` into the strided `dst`, converting to `dst`'s element type (bool: `x != 0`). */
export function copy(src: View, dst: View): void {
  const toBoolean = dst.data instanceof Uint8Array && !(src.data instanceof Uint8Array);
  for (const n of src.shape) if (n === 0) return;
  const [shape, ss, ds] = mergeDims(src.shape, src.strides, dst.strides);
  const nd = shape.length;
  const sd = src.data;
  const dd = dst.data;
  // One contiguous run on both sides (clones, casts, contiguous()): a block copy, which also
  // converts between element types as an assignment would.
  if (nd <= 1 && (nd === 0 || (ss[0] === 1 && ds[0] === 1)) && !toBoolean) {
    const n = nd === 0 ? 1 : shape[0];
    dd.set(sd.subarray(src.offset, src.offset + n), dst.offset);
    return;
  }
  if (nd === 0) {
    dd[dst.offset] = toBoolean ? (sd[src.offset] !== 0 ? 1 : 0) : sd[src.offset];
    return;
  }
  // Rows along the last merged dim, the outer dims advanced like an odometer.
  const inner = shape[nd - 1];
  const si = ss[nd - 1];
  const di = ds[nd - 1];
  const pos = new Array<number>(nd).fill(0);
  let sBase = src.offset;
  let dBase = dst.offset;
  for (;;) {
    if (toBoolean) {
      // NaN is nonzero, so it converts to true, as in PyTorch.
      for (let j = 0, p = sBase, q = dBase; j < inner; j++, p += si, q += di) dd[q] = sd[p] !== 0 ? 1 : 0;
    } else if (si === 1 && di === 1 && inner >= 256) {
      dd.set(sd.subarray(sBase, sBase + inner), dBase);
    } else {
      for (let j = 0, p = sBase, q = dBase; j < inner; j++, p += si, q += di) dd[q] = sd[p];
    }
    let d = nd - 2;
    for (; d >= 0; d--) {
      sBase += ss[d];
      dBase += ds[d];
      if (++pos[d] < shape[d]) break;
      sBase -= ss[d] * shape[d];
      dBase -= ds[d] * shape[d];
      pos[d] = 0;
    }
    if (d < 0) return;
  }
}

// Drops size-1 dims and merges neighbours that are contiguous with each other in both layouts
// (same elements, same order). The shape has no size-0 dim.
function mergeDims(
  shape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
): [number[], number[], number[]] {
  const outShape: number[] = [];
  const outA: number[] = [];
  const outB: number[] = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    const n = shape[i];
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && sa[i] === outA[last] * outShape[last] && sb[i] === outB[last] * outShape[last]) {
      outShape[last] *= n;
    } else {
      outShape.push(n);
      outA.push(sa[i]);
      outB.push(sb[i]);
    }
  }
  return [outShape.reverse(), outA.reverse(), outB.reverse()];
}

/** `out[i] = cond[i] ? a[i] : b[i]`. */
export function where(cond: View, a: View, b: View, out: TypedArray): void {
  const n = out.length;
  const oc = operand(cond);
  const oa = operand(a);
  const ob = operand(b);
  for (let s = 0; s < n; s += BLOCK) {
    const m = Math.min(BLOCK, n - s);
    const [cd, ci] = block(oc, s, m, 2);
    const [ad, ai] = block(oa, s, m, 0);
    const [bd, bi] = block(ob, s, m, 1);
    select(cd, ci, ad, ai, bd, bi, out, s, m);
  }
}

function select(
  c: TypedArray,
  ci: number,
  a: TypedArray,
  ai: number,
  b: TypedArray,
  bi: number,
  out: TypedArray,
  s: number,
  m: number,
): void {
  for (let k = 0; k < m; k++) {
    const u = a[ai + k];
    const v = b[bi + k];
    out[s + k] = c[ci + k] !== 0 ? u : v;
  }
}
