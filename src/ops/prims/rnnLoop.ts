import { kernels } from '../../backend/index.js';
import type { View } from '../../backend/types.js';
import { allocate, type DType, type TypedArray } from '../../tensor/dtype.js';

// The time loops of one recurrent layer in one direction, on typed arrays: per step one GEMM for
// the hidden projection and one fused cell kernel (forward), and one fused cell kernel plus one
// GEMM (backward); the weight gradients are one GEMM each over all steps at the end.

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
// A 2-D weight `w: [n, m]` as the batched operand `w^T: [1, m, n]`, copied once per call so the
// GEMM of every step reads it row by row (the plain JS GEMM is several times slower on columns).
function wT(w: View, dtype: DType): View {
  const [n, m] = w.shape;
  const out = allocate(dtype, n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[j * n + i] = w.data[w.offset + i * w.strides[0] + j * w.strides[1]];
  }
  return v3(out, 0, m, n);
}
const w3 = (w: View): View => ({
  data: w.data,
  shape: [1, w.shape[0], w.shape[1]],
  strides: [0, ...w.strides],
  offset: w.offset,
});

const time = (d: LayerDims, s: number): number => (d.reverse ? d.T - 1 - s : s);
const active = (d: LayerDims, t: number, b: number): boolean => d.lengths === null || t < d.lengths[b];

function copyRow(src: TypedArray, so: number, dst: TypedArray, dO: number, n: number): void {
  for (let j = 0; j < n; j++) dst[dO + j] = src[so + j];
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
  const { T, B, H, Ho, mode } = d;
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
  const hState = allocate(dtype, B * Ho);
  copyRow(h0.data, h0.offset, hState, 0, B * Ho);
  let cPrev: Buf | null = c0;
  const wHhT = wT(wHh, dtype);
  const wHrT = wHr && wT(wHr, dtype);
  for (let s = 0; s < T; s++) {
    const t = time(d, s);
    const hp = t * B * Ho;
    copyRow(hState, 0, saved.hPrev, hp, B * Ho);
    k.matmul(v3(saved.hPrev, hp, B, Ho), wHhT, hg);
    if (bHh) {
      for (let b = 0; b < B; b++) for (let j = 0; j < GH; j++) hg[b * GH + j] += bHh.data[bHh.offset + j];
    }
    const xv = v2(xp.data, xp.offset + t * B * GH, B, GH);
    const hgv = v2(hg, 0, B, GH);
    const av = v2(saved.act, t * B * A, B, A);
    const ov = v2(out, hp, B, Ho);
    if (mode === 'lstm') {
      const cv = v2(saved.cs!, t * B * H, B, H);
      const hv = wHr ? v2(saved.hRaw!, t * B * H, B, H) : ov;
      k.lstmCell(xv, hgv, v2(cPrev!.data, cPrev!.offset, B, H), av, cv, hv);
      if (wHrT) k.matmul(v3(saved.hRaw!, t * B * H, B, H), wHrT, out.subarray(hp, hp + B * Ho));
      if (d.lengths) {
        for (let b = 0; b < B; b++) {
          if (!active(d, t, b)) copyRow(cPrev!.data, cPrev!.offset + b * H, saved.cs!, t * B * H + b * H, H);
        }
      }
      cPrev = { data: saved.cs!, offset: t * B * H };
    } else if (mode === 'gru') {
      k.gruCell(xv, hgv, v2(saved.hPrev, hp, B, Ho), av, ov);
    } else {
      k.rnnCell(xv, hgv, mode === 'relu', av);
      copyRow(saved.act, t * B * A, out, hp, B * H);
    }
    for (let b = 0; b < B; b++) {
      if (active(d, t, b)) copyRow(out, hp + b * Ho, hState, b * Ho, Ho);
      else out.fill(0, hp + b * Ho, hp + (b + 1) * Ho);
    }
  }
  copyRow(hState, 0, out, T * B * Ho, B * Ho);
  if (cPrev) copyRow(cPrev.data, cPrev.offset, out, T * B * Ho + B * Ho, B * H);
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
  const { T, B, H, Ho, mode } = d;
  const k = kernels();
  const GH = gateCount(mode) * H;
  const A = actWidth(d);
  const dXp = allocate(dtype, T * B * GH);
  // The hidden side's pre-activation gradients differ from the input side's only for GRU's n.
  const dHg = mode === 'gru' ? allocate(dtype, T * B * GH) : dXp;
  const dHout = wHr ? allocate(dtype, T * B * Ho) : null;
  const tail = dy.offset + T * B * Ho;
  let dh: TypedArray = dy.data.slice(tail, tail + B * Ho);
  let dc: TypedArray | null = mode === 'lstm' ? dy.data.slice(tail + B * Ho, tail + B * Ho + B * H) : null;
  const dhTot = allocate(dtype, B * Ho);
  const dhRaw = wHr ? allocate(dtype, B * H) : dhTot;
  for (let s = T - 1; s >= 0; s--) {
    const t = time(d, s);
    const hp = t * B * Ho;
    for (let b = 0; b < B; b++) {
      const on = active(d, t, b);
      for (let j = 0; j < Ho; j++) dhTot[b * Ho + j] = dh[b * Ho + j] + (on ? dy.data[dy.offset + hp + b * Ho + j] : 0);
    }
    if (wHr) {
      copyRow(dhTot, 0, dHout!, hp, B * Ho);
      k.matmul(v3(dhTot, 0, B, Ho), w3(wHr), dhRaw);
    }
    const gx = v2(dXp, t * B * GH, B, GH);
    const av = v2(saved.act, t * B * A, B, A);
    const dhNew = allocate(dtype, B * Ho);
    let dcNew: TypedArray | null = null;
    if (mode === 'lstm') {
      dcNew = allocate(dtype, B * H);
      const cp = s === 0 ? c0! : { data: saved.cs!, offset: time(d, s - 1) * B * H };
      k.lstmCellBackward(
        av,
        v2(cp.data, cp.offset, B, H),
        v2(saved.cs!, t * B * H, B, H),
        v2(dhRaw, 0, B, H),
        v2(dc!, 0, B, H),
        gx,
        v2(dcNew, 0, B, H),
      );
    } else if (mode === 'gru') {
      k.gruCellBackward(
        av,
        v2(saved.hPrev, hp, B, Ho),
        v2(dhRaw, 0, B, H),
        gx,
        v2(dHg, t * B * GH, B, GH),
        v2(dhNew, 0, B, Ho),
      );
    } else {
      k.rnnCellBackward(av, v2(dhRaw, 0, B, H), mode === 'relu', gx);
    }
    const viaW = allocate(dtype, B * Ho);
    for (let b = 0; b < B; b++) {
      if (active(d, t, b)) continue;
      dXp.fill(0, t * B * GH + b * GH, t * B * GH + (b + 1) * GH);
      if (dHg !== dXp) dHg.fill(0, t * B * GH + b * GH, t * B * GH + (b + 1) * GH);
      if (dHout) dHout.fill(0, hp + b * Ho, hp + (b + 1) * Ho);
    }
    k.matmul(v3(dHg, t * B * GH, B, GH), w3(wHh), viaW);
    for (let i = 0; i < B * Ho; i++) dhNew[i] += viaW[i];
    for (let b = 0; b < B; b++) {
      if (active(d, t, b)) continue;
      // A step past the row's length held the state: its gradient passes through unchanged.
      copyRow(dh, b * Ho, dhNew, b * Ho, Ho);
      if (dcNew) copyRow(dc!, b * H, dcNew, b * H, H);
    }
    dh = dhNew;
    dc = dcNew;
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
  const acc = new Float64Array(GH);
  for (let r = 0; r < T * B; r++) for (let j = 0; j < GH; j++) acc[j] += dHg[r * GH + j];
  const dBhh = allocate(dtype, GH);
  dBhh.set(acc);
  let dWhr: TypedArray | null = null;
  if (wHr) {
    dWhr = allocate(dtype, Ho * H);
    k.matmul(tr(all(dHout!, Ho)), all(saved.hRaw!, H), dWhr);
  }
  return { dXp, dWhh, dBhh, dh0: dh, dc0: dc, dWhr };
}
