import type { TypedArray } from '../../tensor/dtype.js';
import type { ReduceKernel, ReduceOp, ScanKernel, ScanOp, View } from '../types.js';
import { moveDimLast, offsets, rowMajor } from './strided.js';

// For each element of x, the index of the output cell it reduces into: the output's row-major
// strides with the reduced dims' strides set to zero.
function targets(x: View, dims: readonly number[]): Int32Array {
  const outShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const st = rowMajor(outShape).map((s, i) => (dims.includes(i) ? 0 : s));
  return offsets({ data: x.data, shape: x.shape, strides: st, offset: 0 });
}

function reduce(init: number, step: (acc: number, v: number) => number): ReduceKernel {
  return (x: View, dims: readonly number[], out: TypedArray) => {
    // Accumulate in float64 whatever the dtype: float32 sums then round once.
    const acc = new Float64Array(out.length).fill(init);
    const xo = offsets(x);
    const to = targets(x, dims);
    const d = x.data;
    for (let i = 0; i < xo.length; i++) acc[to[i]] = step(acc[to[i]], d[xo[i]]);
    if (out instanceof Uint8Array) for (let i = 0; i < out.length; i++) out[i] = acc[i] !== 0 ? 1 : 0;
    else out.set(acc);
  };
}

/** Reference reductions. `amax`/`amin` propagate NaN. */
export const reduceKernels: { [K in ReduceOp]: ReduceKernel } = {
  sum: reduce(0, (a, v) => a + v),
  prod: reduce(1, (a, v) => a * v),
  amax: reduce(-Infinity, (a, v) => (a !== a || v !== v ? NaN : v > a ? v : a)),
  amin: reduce(Infinity, (a, v) => (a !== a || v !== v ? NaN : v < a ? v : a)),
};

// Visits x along `dim` one row at a time: `fn(xo, oo, start, len)` sees the data indices of the
// row in x and the matching indices in a contiguous output of x's shape.
function rows(x: View, dim: number, fn: (xo: Int32Array, oo: Int32Array, start: number, len: number) => void): void {
  const xo = offsets(moveDimLast(x, dim));
  const outView = { data: x.data, shape: x.shape, strides: rowMajor(x.shape), offset: 0 };
  const oo = offsets(moveDimLast(outView, dim));
  const len = x.shape.length === 0 ? 1 : x.shape[dim];
  if (len === 0) return;
  for (let s = 0; s < xo.length; s += len) fn(xo, oo, s, len);
}

function scan(step: (acc: number, v: number) => number, init: number): ScanKernel {
  return (x, dim, out) => {
    const d = x.data;
    rows(x, dim, (xo, oo, s, len) => {
      let acc = init;
      for (let j = 0; j < len; j++) {
        acc = step(acc, d[xo[s + j]]);
        out[oo[s + j]] = acc;
      }
    });
  };
}

/** Reference scans along one dim. */
export const scanKernels: { [K in ScanOp]: ScanKernel } = {
  cumsum: scan((a, v) => a + v, 0),
  cumprod: scan((a, v) => a * v, 1),
};

function argBest(better: (v: number, best: number) => boolean) {
  return (x: View, dim: number, out: Int32Array): void => {
    const d = x.data;
    let r = 0;
    rows(x, dim, (xo, _oo, s, len) => {
      let bi = 0;
      let bv = d[xo[s]];
      for (let j = 1; j < len && bv === bv; j++) {
        const v = d[xo[s + j]];
        if (v !== v || better(v, bv)) {
          bv = v;
          bi = j;
        }
      }
      out[r++] = bi;
    });
  };
}

/** Index of the first maximum along `dim` (a NaN wins, as in PyTorch). */
export const argmax = argBest((v, b) => v > b);
/** Index of the first minimum along `dim` (a NaN wins, as in PyTorch). */
export const argmin = argBest((v, b) => v < b);

/** Stable sort along `dim`; NaN counts as larger than every number. */
export function sort(x: View, dim: number, descending: boolean, values: TypedArray, indices: Int32Array): void {
  const d = x.data;
  rows(x, dim, (xo, oo, s, len) => {
    const idx = Array.from({ length: len }, (_, j) => j);
    const key = (j: number) => {
      const v = d[xo[s + j]];
      return v !== v ? Infinity : v;
    };
    const nan = (j: number) => (d[xo[s + j]] !== d[xo[s + j]] ? 1 : 0);
    idx.sort((p, q) => {
      const c = key(p) - key(q) || nan(p) - nan(q);
      return descending ? -c : c;
    });
    for (let j = 0; j < len; j++) {
      values[oo[s + j]] = d[xo[s + idx[j]]];
      indices[oo[s + j]] = idx[j];
    }
  });
}
