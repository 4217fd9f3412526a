// float32 recurrent-cell kernels of rnn-codegen.ts behind the KernelTable contracts of
// src/backend/js/rnn.ts. Each `[B, G*H]` operand is staged into scratch as `[B][G][Hp]` (Hp = H
// rounded up to 4) with block copies where its rows or gate blocks are contiguous, the kernel
// runs, and the outputs are copied back through their views. Batches too large for one pass go
// through in row chunks. Other dtypes, and runtimes without SIMD, run the js kernels.

import * as js from '../js/rnn.js';
import type { KernelTable, View } from '../types.js';
import { packRhs } from './gemmPacked.js';
import { rnnModule, type RnnKernelName } from './rnn-codegen.js';
import { getScratch, hasSimd, instantiate } from './runtime.js';

type Run = (...args: number[]) => void;

const compiled = new Map<RnnKernelName, Run>();

/** The compiled kernel `name` (compiled synchronously on first use, then cached). */
export function rnnKernel(name: RnnKernelName): Run {
  let k = compiled.get(name);
  if (!k) {
    k = instantiate(rnnModule(name))[name] as Run;
    compiled.set(name, k);
  }
  return k;
}

const up = (n: number, m: number): number => Math.ceil(n / m) * m;
// Scratch floats per chunk of rows (4 MB): W4's whole batch goes in one pass.
const CHUNK = 1 << 20;
// Gate blocks narrower than this are copied element by element: a subarray costs more.
const MIN_BLOCK = 16;

/** Copies rows [b0, b0 + nb) of a `[B, G*H]` view into `mem` at `dst` as `[nb][G][Hp]`. */
function stageIn(v: View, G: number, H: number, Hp: number, b0: number, nb: number, mem: Float32Array, dst: number) {
  const d = v.data as Float32Array;
  const s0 = v.strides[0];
  const s1 = v.strides[1];
  const o = v.offset + b0 * s0;
  const W = G * H;
  if (s1 === 1 && H === Hp && (s0 === W || nb === 1)) mem.set(d.subarray(o, o + nb * W), dst);
  else if (s1 === 1 && H === Hp)
    for (let b = 0; b < nb; b++) mem.set(d.subarray(o + b * s0, o + b * s0 + W), dst + b * W);
  else if (s1 === 1 && H >= MIN_BLOCK) {
    for (let b = 0; b < nb; b++) {
      for (let g = 0; g < G; g++) {
        const s = o + b * s0 + g * H;
        mem.set(d.subarray(s, s + H), dst + (b * G + g) * Hp);
      }
    }
  } else {
    for (let b = 0; b < nb; b++) {
      for (let g = 0; g < G; g++) {
        const t = dst + (b * G + g) * Hp;
        const s = o + b * s0 + g * H * s1;
        for (let j = 0; j < H; j++) mem[t + j] = d[s + j * s1];
      }
    }
  }
}

/** The inverse of `stageIn`: rows [b0, b0 + nb) from `mem` at `src` out through the view. */
function stageOut(mem: Float32Array, src: number, G: number, H: number, Hp: number, b0: number, nb: number, v: View) {
  const d = v.data as Float32Array;
  const s0 = v.strides[0];
  const s1 = v.strides[1];
  const o = v.offset + b0 * s0;
  const W = G * H;
  if (s1 === 1 && H === Hp && (s0 === W || nb === 1)) d.set(mem.subarray(src, src + nb * W), o);
  else if (s1 === 1 && H === Hp)
    for (let b = 0; b < nb; b++) d.set(mem.subarray(src + b * W, src + (b + 1) * W), o + b * s0);
  else if (s1 === 1 && H >= MIN_BLOCK) {
    for (let b = 0; b < nb; b++) {
      for (let g = 0; g < G; g++) {
        const s = src + (b * G + g) * Hp;
        d.set(mem.subarray(s, s + H), o + b * s0 + g * H);
      }
    }
  } else {
    for (let b = 0; b < nb; b++) {
      for (let g = 0; g < G; g++) {
        const s = src + (b * G + g) * Hp;
        const t = o + b * s0 + g * H * s1;
        for (let j = 0; j < H; j++) d[t + j * s1] = mem[s + j];
      }
    }
  }
}

const isF32 = (views: readonly View[]): boolean => views.every((v) => v.data instanceof Float32Array);

/**
 * Runs kernel `name` on `views` (inputs first, then outputs, in the kernel's parameter order),
 * view k being `[B, gates[k] * H]`. Returns false (nothing done) when the wasm path does not
 * apply, so the caller runs the js kernel.
 */
function runCell(name: RnnKernelName, views: readonly View[], gates: readonly number[], nIn: number, H: number) {
  if (!hasSimd() || !isF32(views)) return false;
  const B = views[0].shape[0];
  if (B === 0 || H === 0) return true;
  const Hp = up(H, 4);
  const rowFloats = gates.reduce((s, g) => s + g, 0) * Hp;
  const rows = Math.max(1, Math.min(B, Math.floor(CHUNK / rowFloats)));
  const scratch = getScratch();
  scratch.ensure(rows * rowFloats * 4);
  const mem = scratch.f32;
  const at: number[] = [];
  let off = 0;
  for (const g of gates) {
    at.push(off);
    off += rows * g * Hp;
  }
  const run = rnnKernel(name);
  const args = at.map((a) => a * 4);
  args.push(0, Hp * 4);
  for (let b0 = 0; b0 < B; b0 += rows) {
    const nb = Math.min(rows, B - b0);
    for (let k = 0; k < nIn; k++) stageIn(views[k], gates[k], H, Hp, b0, nb, mem, at[k]);
    args[gates.length] = nb;
    run(...args);
    for (let k = nIn; k < views.length; k++) stageOut(mem, at[k], gates[k], H, Hp, b0, nb, views[k]);
  }
  return true;
}

type Cells = Pick<
  KernelTable,
  'lstmCell' | 'lstmCellBackward' | 'gruCell' | 'gruCellBackward' | 'rnnCell' | 'rnnCellBackward'
>;

/**
 * The recurrent-cell kernels: float32 in wasm, everything else through the js kernels. Also
 * `packRhs` (gemmPacked.ts), which is not in the KernelTable contract: the recurrent loops of
 * src/ops/prims/rnnLoop.ts look it up and use it when present, to pack a weight once per layer.
 */
export const rnnKernels: Cells & { packRhs: typeof packRhs } = {
  packRhs,
  lstmCell(xg, hg, cPrev, gates, c, h) {
    if (!runCell('lstm', [xg, hg, cPrev, gates, c, h], [4, 4, 1, 4, 1, 1], 3, c.shape[1])) {
      js.lstmCell(xg, hg, cPrev, gates, c, h);
    }
  },
  lstmCellBackward(gates, cPrev, c, dh, dc, dGates, dcPrev) {
    const views = [gates, cPrev, c, dh, dc, dGates, dcPrev];
    if (!runCell('lstmBack', views, [4, 1, 1, 1, 1, 4, 1], 5, c.shape[1])) {
      js.lstmCellBackward(gates, cPrev, c, dh, dc, dGates, dcPrev);
    }
  },
  gruCell(xg, hg, hPrev, gates, h) {
    if (!runCell('gru', [xg, hg, hPrev, gates, h], [3, 3, 1, 4, 1], 3, h.shape[1])) {
      js.gruCell(xg, hg, hPrev, gates, h);
    }
  },
  gruCellBackward(gates, hPrev, dh, dxg, dhg, dhPrev) {
    if (!runCell('gruBack', [gates, hPrev, dh, dxg, dhg, dhPrev], [4, 1, 1, 3, 3, 1], 3, hPrev.shape[1])) {
      js.gruCellBackward(gates, hPrev, dh, dxg, dhg, dhPrev);
    }
  },
  rnnCell(xg, hg, relu, h) {
    if (!runCell(relu ? 'rnnRelu' : 'rnnTanh', [xg, hg, h], [1, 1, 1], 2, h.shape[1])) js.rnnCell(xg, hg, relu, h);
  },
  rnnCellBackward(h, dh, relu, dPre) {
    if (!runCell(relu ? 'rnnReluBack' : 'rnnTanhBack', [h, dh, dPre], [1, 1, 1], 2, h.shape[1])) {
      js.rnnCellBackward(h, dh, relu, dPre);
    }
  },
};
