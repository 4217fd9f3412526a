import type { TypedArray } from '../../tensor/dtype.js';
import type { View } from '../types.js';
import { offsets, rowMajor } from './strided.js';

// Data index, for every position of `shape` in row-major order, of a view over `strides` whose
// step along `dim` is removed: the caller adds `index * strides[dim]` itself.
function baseOffsets(
  data: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dim: number,
) {
  const st = strides.map((s, i) => (i === dim ? 0 : s));
  return offsets({ data, shape, strides: st, offset });
}

/** `out[p] = x[p with coordinate dim := index[p]]`; `out` has `index`'s shape. */
export function gather(x: View, dim: number, index: View, out: TypedArray): void {
  const base = baseOffsets(x.data, index.shape, x.strides, x.offset, dim);
  const io = offsets(index);
  const step = x.strides[dim] ?? 0;
  for (let p = 0; p < io.length; p++) out[p] = x.data[base[p] + index.data[io[p]] * step];
}

/** `out[p with coordinate dim := index[p]] (+)= src[p]` for `p` over `index`'s shape. */
export function scatter(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: View,
  src: View,
  add: boolean,
): void {
  const ost = rowMajor(outShape);
  const base = baseOffsets(out, index.shape, ost, 0, dim);
  const io = offsets(index);
  const so = offsets(src);
  const step = ost[dim] ?? 0;
  for (let p = 0; p < io.length; p++) {
    const t = base[p] + index.data[io[p]] * step;
    out[t] = add ? out[t] + src.data[so[p]] : src.data[so[p]];
  }
}

/** Slices `index[j]` of `x` along `dim`, stacked in order into the contiguous `out`. */
export function indexSelect(x: View, dim: number, index: View, out: TypedArray): void {
  const outShape = x.shape.map((s, i) => (i === dim ? index.shape[0] : s));
  const base = baseOffsets(x.data, outShape, x.strides, x.offset, dim);
  const io = offsets(index);
  const len = outShape[dim];
  let inner = 1;
  for (let i = dim + 1; i < outShape.length; i++) inner *= outShape[i];
  const step = x.strides[dim] ?? 0;
  for (let p = 0; p < out.length; p++) {
    const j = Math.floor(p / inner) % len;
    out[p] = x.data[base[p] + index.data[io[j]] * step];
  }
}

/** Adds slice `j` of `src` into slice `index[j]` of the contiguous `out` along `dim`. */
export function indexAdd(out: TypedArray, outShape: readonly number[], dim: number, index: View, src: View): void {
  const so = offsets(src);
  const io = offsets(index);
  const len = src.shape[dim];
  const outLen = outShape[dim];
  let inner = 1;
  for (let i = dim + 1; i < outShape.length; i++) inner *= outShape[i];
  for (let p = 0; p < so.length; p++) {
    const j = Math.floor(p / inner) % len;
    const outer = Math.floor(p / (inner * len));
    const t = (outer * outLen + index.data[io[j]]) * inner + (p % inner);
    out[t] += src.data[so[p]];
  }
}
