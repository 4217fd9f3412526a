import { kernels } from '../../backend/index.js';
import type { View } from '../../backend/types.js';
import { allocate, type DType, type TypedArray } from '../../tensor/dtype.js';

// The time loops of one recurrent layer in one direction, on typed arrays: per step one GEMM for
// the hidden projection and one fused cell kernel (forward), and one fused cell kernel plus one
// GEMM (backward); the weight gradients are one GEMM each over all steps at the end. The
// per-step work outside the kernels is a few block copies: each step's GEMM reads the previous
// step's output rows in place (and starts from the hidden bias), and the gradient buffers are
// reused from step to step.

/** Which cell: Elman with tanh or relu, LSTM (gates i, f, g, o) or GRU (gates r, z, n). */
export type CellMode = 'tanh' | 'relu' | 'lstm' | 'gru';

/** Sizes of one layer-direction: `T` steps, batch `B`, hidden `H`, output (state) size `Ho`. */
export interface LayerDims {
  mode: CellMode;
  T: number;
  B: number;
  H: number;
  /** Size of h: the projection size for an LSTM with `projSize`, else `H`. */
  Ho: number;
  /** Run from the last step to the first. */
  reverse: boolean;
  /** Per batch row, the number of valid steps (1..T); steps past it hold the state. */
  lengths: Int32Array | null;
}

/** A contiguous block of a typed array starting at `offset`. */
export interface Buf {
  data: TypedArray;
  offset: number;
}

/** What the backward loop needs from the forward loop (all `[T, B, *]`, indexed by time). */
export interface LayerSaved {
  /** Cell activations: LSTM i, f, g, o; GRU r, z, n, hn; Elman h (before masking). */
  act: TypedArray;
  /** LSTM cell states c_t (held values on steps past a row's length). */
  cs: TypedArray | null;
  /** The hidden state each step read. */
  hPrev: TypedArray;
  /** LSTM h before the projection (only with a projection). */
  hRaw: TypedArray | null;
}

/** Number of gate blocks of H rows in the weights. */
export const gateCount = (m: CellMode): number => (m === 'lstm' ? 4 : m === 'gru' ? 3 : 1);
const actWidth = (d: LayerDims): number => (d.mode === 'lstm' || d.mode === 'gru' ? 4 * d.H : d.H);

const v2 = (data: TypedArray, offset: number, rows: number, cols: number): View => ({
  data,
  shape: [rows, cols],
  strides: [cols, 1],
  offset,
});
const v3 = (data: TypedArray, offset: number, rows: number, cols: number): View => ({
  data,
  shape: [1, rows, cols],
  strides: [rows * cols, cols, 1],
  offset,
});

/**
 * `out = a @ w (+ bias)` for one fixed `w: [K, N]` and `m` contiguous rows of `a`, at every
 * step; `bias` is a row of N values, added to every row.
 */
interface StepProduct {
  run(a: TypedArray, aOff: number, m: number, out: TypedArray, outOff: number, bias: Buf | null): void;
  release(): void;
}

// The product with `w` (`[N, K]` as stored) transposed, or as it is: packed once when the
// backend can, else a contiguous row-major copy for `matmul` (the js GEMM reads rows).
function stepProduct(w: View, transpose: boolean, dtype: DType): StepProduct {
  const k = kernels();
  const [r, c] = w.shape;
  const b: View = transpose ? { ...w, shape: [c, r], strides: [w.strides[1], w.strides[0]] } : w;
  // A backend may pack the weight once for all steps (the wasm one does); without it each
  // step's GEMM re-packs the weight, which for W4 costs about as much as the product.
  const packed = k.packRhs?.(b) ?? null;
  if (packed) {
    return {
      run: (a, aOff, m, out, outOff, bias) =>
        packed.multiply(a, aOff, m, out, outOff, bias?.data ?? null, bias?.offset ?? 0),
      release: () => packed.release(),
    };
  }
  const [K, N] = b.shape;
  const copy = allocate(dtype, K * N);
  k.copy(b, v2(copy, 0, K, N));
  const bv = v3(copy, 0, K, N);
  return {
    run: (a, aOff, m, out, outOff, bias) => {
      k.matmul(v3(a, aOff, m, K), bv, out.subarray(outOff, outOff + m * N));
      if (!bias) return;
      for (let i = 0; i < m; i++) for (let j = 0; j < N; j++) out[outOff + i * N + j] += bias.data[bias.offset + j];
    },
    release: () => {},
  };
}

const time = (d: LayerDims, s: number): number => (d.reverse ? d.T - 1 - s : s);
const active = (d: LayerDims, t: number, b: number): boolean => d.lengths === null || t < d.lengths[b];

// Kept out of the loops' bodies so they are optimized on their own: inside the large loop
// functions V8 ran them several times slower.
function addTo(dst: TypedArray, src: TypedArray, n: number): void {
  for (let i = 0; i < n; i++) dst[i] += src[i];
}

/** `n` values from `src` at `so` to `dst` at `dO` (a block copy). */
function move(src: TypedArray, so: number, dst: TypedArray, dO: number, n: number): void {
  dst.set(src.subarray(so, so + n), dO);
}

/**
 * Runs the layer forward. `out` is the packed result: outputs `[T, B, Ho]` (zero past a row's
 * length), then h_N `[B, Ho]`, then (LSTM) c_N `[B, H]`.
 */
export function layerForward(
  d: LayerDims,
  dtype: DType,
  xp: Buf,
  wHh: View,
  bHh: Buf | null,
  h0: Buf,
  c0: Buf | null,
  wHr: View | null,
  out: TypedArray,
): LayerSaved {
  const { T, B, H, Ho, mode, lengths } = d;
  const k = kernels();
  const GH = gateCount(mode) * H;
  const A = actWidth(d);
  const saved: LayerSaved = {
    act: allocate(dtype, T * B * A),
    cs: mode === 'lstm' ? allocate(dtype, T * B * H) : null,
    hPrev: allocate(dtype, T * B * Ho),
    hRaw: wHr ? allocate(dtype, T * B * H) : null,
  };
  const hg = allocate(dtype, B * GH);
  // Where h_{t-1} is: h0, then the previous step's output rows; with lengths a state buffer
  // that keeps the rows whose sequence has ended.
  let hSrc = h0.data;
  let hOff = h0.offset;
  const hState = lengths ? allocate(dtype, B * Ho) : null;
  if (hState) {
    move(h0.data, h0.offset, hState, 0, B * Ho);
    [hSrc, hOff] = [hState, 0];
  }
  let cSrc = c0?.data ?? null;
  let cOff = c0?.offset ?? 0;
  const hh = stepProduct(wHh, true, dtype);
  const hr = wHr && stepProduct(wHr, true, dtype);
  try {
    for (let s = 0; s < T; s++) {
      const t = time(d, s);
      const hp = t * B * Ho;
      if (hState) move(hState, 0, saved.hPrev, hp, B * Ho);
      hh.run(hSrc, hOff, B, hg, 0, bHh);
      const xv = v2(xp.data, xp.offset + t * B * GH, B, GH);
      const av = v2(saved.act, t * B * A, B, A);
      const ov = v2(out, hp, B, Ho);
      if (mode === 'lstm') {
        const ct = t * B * H;
        k.lstmCell(
          xv,
          v2(hg, 0, B, GH),
          v2(cSrc!, cOff, B, H),
          av,
          v2(saved.cs!, ct, B, H),
          hr ? v2(saved.hRaw!, ct, B, H) : ov,
        );
        if (hr) hr.run(saved.hRaw!, ct, B, out, hp, null);
        if (lengths) {
          for (let b = 0; b < B; b++) if (!active(d, t, b)) move(cSrc!, cOff + b * H, saved.cs!, ct + b * H, H);
        }
        [cSrc, cOff] = [saved.cs!, ct];
      } else if (mode === 'gru') {
        k.gruCell(xv, v2(hg, 0, B, GH), v2(hSrc, hOff, B, Ho), av, ov);
      } else {
        k.rnnCell(xv, v2(hg, 0, B, GH), mode === 'relu', av);
        move(saved.act, t * B * A, out, hp, B * H);
      }
      if (hState) {
        for (let b = 0; b < B; b++) {
          if (active(d, t, b)) move(out, hp + b * Ho, hState, b * Ho, Ho);
          else out.fill(0, hp + b * Ho, hp + (b + 1) * Ho);
        }
      } else [hSrc, hOff] = [out, hp];
    }
  } finally {
    hr?.release();
    hh.release();
  }
  if (!hState && T > 0) {
    // Step t read the output of the step before it (or h0 first): shift the outputs by one.
    const first = time(d, 0) * B * Ho;
    move(h0.data, h0.offset, saved.hPrev, first, B * Ho);
    move(out, d.reverse ? B * Ho : 0, saved.hPrev, d.reverse ? 0 : B * Ho, (T - 1) * B * Ho);
  }
  move(hSrc, hOff, out, T * B * Ho, B * Ho);
  if (cSrc) move(cSrc, cOff, out, T * B * Ho + B * Ho, B * H);
  return saved;
}

/** Gradients of one layer-direction (`dWhr` only with a projection, `dc0` only for an LSTM). */
export interface LayerGrads {
  dXp: TypedArray;
  dWhh: TypedArray;
  dBhh: TypedArray;
  dh0: TypedArray;
  dc0: TypedArray | null;
  dWhr: TypedArray | null;
}

/**
 * Backpropagation through time. `dy` is the gradient of the packed result (a block of
 * `[T, B, Ho] + [B, Ho] (+ [B, H])`).
 */
export function layerBackward(
  d: LayerDims,
  dtype: DType,
  saved: LayerSaved,
  wHh: View,
  c0: Buf | null,
  wHr: View | null,
  dy: Buf,
): LayerGrads {
  const { T, B, H, Ho, mode, lengths } = d;
  const k = kernels();
  const GH = gateCount(mode) * H;
  const A = actWidth(d);
  const dXp = allocate(dtype, T * B * GH);
  // The hidden side's pre-activation gradients differ from the input side's only for GRU's n.
  const dHg = mode === 'gru' ? allocate(dtype, T * B * GH) : dXp;
  const dHout = wHr ? allocate(dtype, T * B * Ho) : null;
  const tail = dy.offset + T * B * Ho;
  // dh and dc of the step after the current one, and the buffers the current one fills.
  let dh: TypedArray = dy.data.slice(tail, tail + B * Ho);
  let dhNext = allocate(dtype, B * Ho);
  let dc: TypedArray | null = mode === 'lstm' ? dy.data.slice(tail + B * Ho, tail + B * Ho + B * H) : null;
  let dcNext: TypedArray | null = mode === 'lstm' ? allocate(dtype, B * H) : null;
  const viaW = mode === 'gru' ? allocate(dtype, B * Ho) : null;
  const dhTot = allocate(dtype, B * Ho);
  const dhRaw = wHr ? allocate(dtype, B * H) : dhTot;
  const dyd = dy.data;
  const hh = stepProduct(wHh, false, dtype);
  const hr = wHr && stepProduct(wHr, false, dtype);
  try {
    for (let s = T - 1; s >= 0; s--) {
      const t = time(d, s);
      const hp = t * B * Ho;
      const yo = dy.offset + hp;
      if (!lengths) k.add(v2(dh, 0, B, Ho), v2(dyd, yo, B, Ho), dhTot);
      else {
        for (let b = 0; b < B; b++) {
          const on = active(d, t, b);
          for (let j = b * Ho; j < (b + 1) * Ho; j++) dhTot[j] = on ? dh[j] + dyd[yo + j] : dh[j];
        }
      }
      if (hr) {
        move(dhTot, 0, dHout!, hp, B * Ho);
        hr.run(dhTot, 0, B, dhRaw, 0, null);
      }
      const gx = v2(dXp, t * B * GH, B, GH);
      const av = v2(saved.act, t * B * A, B, A);
      if (mode === 'lstm') {
        const cp = s === 0 ? c0! : { data: saved.cs!, offset: time(d, s - 1) * B * H };
        const cv = (data: TypedArray, offset: number) => v2(data, offset, B, H);
        k.lstmCellBackward(
          av,
          cv(cp.data, cp.offset),
          cv(saved.cs!, t * B * H),
          cv(dhRaw, 0),
          cv(dc!, 0),
          gx,
          cv(dcNext!, 0),
        );
      } else if (mode === 'gru') {
        const dv = v2(dhNext, 0, B, Ho);
        k.gruCellBackward(av, v2(saved.hPrev, hp, B, Ho), v2(dhRaw, 0, B, H), gx, v2(dHg, t * B * GH, B, GH), dv);
      } else {
        k.rnnCellBackward(av, v2(dhRaw, 0, B, H), mode === 'relu', gx);
      }
      if (lengths) {
        for (let b = 0; b < B; b++) {
          if (active(d, t, b)) continue;
          dXp.fill(0, t * B * GH + b * GH, t * B * GH + (b + 1) * GH);
          if (dHg !== dXp) dHg.fill(0, t * B * GH + b * GH, t * B * GH + (b + 1) * GH);
          if (dHout) dHout.fill(0, hp + b * Ho, hp + (b + 1) * Ho);
        }
      }
      if (viaW) {
        hh.run(dHg, t * B * GH, B, viaW, 0, null);
        addTo(dhNext, viaW, B * Ho);
      } else hh.run(dHg, t * B * GH, B, dhNext, 0, null);
      if (lengths) {
        for (let b = 0; b < B; b++) {
          if (active(d, t, b)) continue;
          // A step past the row's length held the state: its gradient passes through unchanged.
          move(dh, b * Ho, dhNext, b * Ho, Ho);
          if (dcNext) move(dc!, b * H, dcNext, b * H, H);
        }
      }
      [dh, dhNext] = [dhNext, dh];
      [dc, dcNext] = [dcNext, dc];
    }
  } finally {
    hr?.release();
    hh.release();
  }
  // Weight gradients: sums over all steps, one GEMM each.
  const dWhh = allocate(dtype, GH * Ho);
  const all = (data: TypedArray, cols: number): View => v3(data, 0, T * B, cols);
  const tr = (v: View): View => ({
    data: v.data,
    shape: [1, v.shape[2], v.shape[1]],
    strides: [0, 1, v.shape[2]],
    offset: v.offset,
  });
  k.matmul(tr(all(dHg, GH)), all(saved.hPrev, Ho), dWhh);
  const dBhh = allocate(dtype, GH);
  if (T * B > 0) k.sum(v2(dHg, 0, T * B, GH), [0], dBhh);
  let dWhr: TypedArray | null = null;
  if (wHr) {
    dWhr = allocate(dtype, Ho * H);
    k.matmul(tr(all(dHout!, Ho)), all(saved.hRaw!, H), dWhr);
  }
  return { dXp, dWhh, dBhh, dh0: dh, dc0: dc, dWhr };
}
