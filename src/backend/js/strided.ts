import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../types.js';

/** Whether a view walks its data in row-major order with no gaps (fast paths use flat loops). */
export function isContiguousView(v: View): boolean {
  let expected = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] === 1) continue;
    if (v.strides[i] !== expected) return false;
    expected *= v.shape[i];
  }
  return true;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * The data index of every element of a view, in row-major order of its shape. One allocation
 * makes every strided loop a flat loop over this table.
 */
export function offsets(v: View): Int32Array {
  const n = numel(v.shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const nd = v.shape.length;
  if (nd === 0) {
    out[0] = v.offset;
    return out;
  }
  const last = nd - 1;
  const innerSize = v.shape[last];
  const innerStride = v.strides[last];
  const idx = new Array<number>(nd).fill(0);
  let base = v.offset;
  let k = 0;
  while (k < n) {
    for (let j = 0, p = base; j < innerSize; j++, p += innerStride) out[k++] = p;
    // Advance the outer counter (dims 0..last-1) like an odometer.
    let d = last - 1;
    while (d >= 0) {
      idx[d]++;
      base += v.strides[d];
      if (idx[d] < v.shape[d]) break;
      base -= v.strides[d] * v.shape[d];
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}

/** The flat start index of a contiguous view, or -1 when it is not contiguous. */
export function flatStart(v: View): number {
  return isContiguousView(v) ? v.offset : -1;
}
/** A view with size-1 dims dropped and mergeable neighbours merged (same elements, same order). */
export interface Flat {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The fewest-dims form of `v`: `[n]` with stride 1 when `v` is contiguous. */
export function flatten(v: View): Flat {
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = v.shape.length - 1; i >= 0; i--) {
    const n = v.shape[i];
    if (n === 1) continue;
    const last = shape.length - 1;
    // Dim i walks on where the dim after it stops: merge them.
    if (last >= 0 && v.strides[i] === strides[last] * shape[last]) {
      shape[last] *= n;
    } else {
      shape.push(n);
      strides.push(v.strides[i]);
    }
  }
  shape.reverse();
  strides.reverse();
  return { data: v.data, shape, strides, offset: v.offset };
}

/** Whether a flattened view is one contiguous run. */
export function isDense(f: Flat): boolean {
  return f.shape.length === 0 || (f.shape.length === 1 && f.strides[0] === 1);
}

/**
 * Copies elements `[start, start + count)` of `v` (in row-major order of its shape) to
 * `dst[d0...]`, converting to `dst`'s element type. Rows with unit stride are block copies,
 * broadcast rows are fills, other strides a loop.
 */
export function gather(v: Flat, start: number, count: number, dst: TypedArray, d0: number): void {
  const { data, shape, strides } = v;
  const nd = shape.length;
  if (nd === 0) {
    dst.fill(data[v.offset], d0, d0 + count);
    return;
  }
  const inner = shape[nd - 1];
  const is = strides[nd - 1];
  let idx = start % inner;
  let q = Math.floor(start / inner);
  const pos = new Array<number>(nd).fill(0);
  let base = v.offset;
  for (let d = nd - 2; d >= 0; d--) {
    pos[d] = q % shape[d];
    base += pos[d] * strides[d];
    q = Math.floor(q / shape[d]);
  }
  let o = d0;
  let left = count;
  while (left > 0) {
    const run = Math.min(inner - idx, left);
    const s = base + idx * is;
    if (is === 1) {
      if (run >= 32) dst.set(data.subarray(s, s + run), o);
      else for (let j = 0; j < run; j++) dst[o + j] = data[s + j];
    } else if (is === 0) {
      dst.fill(data[s], o, o + run);
    } else {
      for (let j = 0, p = s; j < run; j++, p += is) dst[o + j] = data[p];
    }
    o += run;
    left -= run;
    idx = 0;
    // Next row: advance the outer dims like an odometer.
    for (let d = nd - 2; d >= 0; d--) {
      base += strides[d];
      if (++pos[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      pos[d] = 0;
    }
  }
}

/** A view of `v` with axis `dim` moved last: used by kernels that work along one dim. */
export function moveDimLast(v: View, dim: number): View {
  const shape = [...v.shape];
  const strides = [...v.strides];
  const [s] = shape.splice(dim, 1);
  const [t] = strides.splice(dim, 1);
  shape.push(s);
  strides.push(t);
  return { data: v.data, shape, strides, offset: v.offset };
}

/** Row-major strides of a shape. */
export function rowMajor(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= Math.max(1, shape[i]);
  }
  return st;
}
