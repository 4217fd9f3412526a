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
