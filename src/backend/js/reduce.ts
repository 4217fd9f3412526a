import type { TypedArray } from '../../tensor/dtype.js';
import type { ReduceKernel, ReduceOp, ScanKernel, ScanOp, View } from '../types.js';
import { flatten, gather, isDense, moveDimLast, offsets, rowMajor } from './strided.js';

// Folds a run of values into an accumulator. One loop per reduction (not a shared loop calling
// a step function), so V8 inlines each; see loops.ts.
type Fold = (x: TypedArray, i: number, n: number, acc: number) => number;

const folds: { [K in ReduceOp]: Fold } = {
  sum: (x, i, n, acc) => {
    for (let k = 0; k < n; k++) acc += x[i + k];
    return acc;
  },
  prod: (x, i, n, acc) => {
    for (let k = 0; k < n; k++) acc *= x[i + k];
    return acc;
  },
  amax: (x, i, n, acc) => {
    for (let k = 0; k < n; k++) {
      const v = x[i + k];
      acc = acc !== acc || v !== v ? NaN : v > acc ? v : acc;
    }
    return acc;
  },
  amin: (x, i, n, acc) => {
    for (let k = 0; k < n; k++) {
      const v = x[i + k];
      acc = acc !== acc || v !== v ? NaN : v < acc ? v : acc;
    }
    return acc;
  },
};

const BLOCK = 4096;
const buf = new Float64Array(BLOCK);

// The view with the reduced dims moved last: each output cell is then one row of it, read in
// the same (row-major) order as x, so results do not depend on the layout.
function reduce(op: ReduceOp, init: number): ReduceKernel {
  const fold = folds[op];
  return (x: View, dims: readonly number[], out: TypedArray) => {
    const order = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    order.push(...dims);
    let len = 1;
    for (const d of dims) len *= x.shape[d];
    const rows = out.length;
    const v = flatten({
      data: x.data,
      shape: order.map((i) => x.shape[i]),
      strides: order.map((i) => x.strides[i]),
      offset: x.offset,
    });
    const dense = isDense(v);
    const toBool = out instanceof Uint8Array;
    for (let r = 0; r < rows; r++) {
      // Accumulate in float64 whatever the dtype: float32 sums then round once.
      let acc = init;
      for (let p = 0; p < len; p += BLOCK) {
        const m = Math.min(BLOCK, len - p);
        if (dense) acc = fold(x.data, v.offset + r * len + p, m, acc);
        else {
          gather(v, r * len + p, m, buf, 0);
          acc = fold(buf, 0, m, acc);
        }
      }
      out[r] = toBool ? (acc !== 0 ? 1 : 0) : acc;
    }
  };
}

/** Reference reductions. `amax`/`amin` propagate NaN. */
export const reduceKernels: { [K in ReduceOp]: ReduceKernel } = {
  sum: reduce('sum', 0),
  prod: reduce('prod', 1),
  amax: reduce('amax', -Infinity),
  amin: reduce('amin', Infinity),
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
