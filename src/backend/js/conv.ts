import type { TypedArray } from '../../tensor/dtype.js';
import type { PatchGeometry, PoolTaps, View } from '../types.js';

// Every kernel here lifts 1-D and 2-D problems to 3-D by prepending spatial dims of size 1, so
// one set of loops serves conv1d, conv2d and conv3d.

interface Lifted {
  size: number[]; // input spatial size
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  first: number[];
  count: number[]; // blocks per dim (the tile's rows on the first real dim)
}

function lift(shape: readonly number[], g: PatchGeometry): Lifted {
  const nd = shape.length - 2;
  const pre = 3 - nd;
  const pick = (a: readonly number[], fill: number) => [...new Array<number>(pre).fill(fill), ...a];
  const count = pick(g.outSize, 1);
  const first = [0, 0, 0];
  count[pre] = g.count;
  first[pre] = g.first;
  return {
    size: pick(shape.slice(2), 1),
    k: pick(g.kernel, 1),
    s: pick(g.stride, 1),
    p: pick(g.padding, 0),
    d: pick(g.dilation, 1),
    first,
    count,
  };
}

// The blocks `o` in [0, n) whose tap `iw = o * s + off` lands inside [0, size): [lo, hi).
function validRange(off: number, s: number, size: number, n: number): [number, number] {
  const lo = off >= 0 ? 0 : Math.min(n, Math.ceil(-off / s));
  const hi = size - 1 - off < 0 ? 0 : Math.min(n, Math.floor((size - 1 - off) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Columns `[C, ...kernel, N, count, ...outSize[1:]]` of `x: [N, C, ...spatial]`, zero-padded. */
export function im2col(x: View, g: PatchGeometry, out: TypedArray): void {
  const [N, C] = x.shape;
  const [sN, sC] = x.strides;
  const L = lift(x.shape, g);
  const [D, H, W] = L.size;
  const [xsD, xsH, xsW] = [0, 0, 0, ...x.strides.slice(2)].slice(-3);
  const [oD, oH, oW] = L.count;
  const xd = x.data;
  let pos = 0;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < L.k[0]; a++) {
      for (let b = 0; b < L.k[1]; b++) {
        for (let e = 0; e < L.k[2]; e++) {
          const offW = L.first[2] * L.s[2] + e * L.d[2] - L.p[2];
          const [lo, hi] = validRange(offW, L.s[2], W, oW);
          for (let n = 0; n < N; n++) {
            const base = x.offset + n * sN + c * sC;
            for (let od = 0; od < oD; od++) {
              const id = (od + L.first[0]) * L.s[0] - L.p[0] + a * L.d[0];
              for (let oh = 0; oh < oH; oh++) {
                const ih = (oh + L.first[1]) * L.s[1] - L.p[1] + b * L.d[1];
                if (id < 0 || id >= D || ih < 0 || ih >= H || lo === hi) {
                  out.fill(0, pos, pos + oW);
                  pos += oW;
                  continue;
                }
                const row = base + id * xsD + ih * xsH + offW * xsW;
                const step = L.s[2] * xsW;
                if (lo > 0) out.fill(0, pos, pos + lo);
                for (let ow = lo, q = row + lo * step; ow < hi; ow++, q += step) out[pos + ow] = xd[q];
                if (hi < oW) out.fill(0, pos + hi, pos + oW);
                pos += oW;
              }
            }
          }
        }
      }
    }
  }
}

/** Adds the columns `cols: [C * K, N, blocks]` back into `out` (contiguous, of `outShape`). */
export function col2im(cols: View, g: PatchGeometry, outShape: readonly number[], out: TypedArray): void {
  const [N, C] = outShape;
  const [cs0, cs1, cs2] = cols.strides;
  const L = lift(outShape, g);
  const [D, H, W] = L.size;
  const [oD, oH, oW] = L.count;
  const plane = D * H * W;
  const cd = cols.data;
  let r = 0;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < L.k[0]; a++) {
      for (let b = 0; b < L.k[1]; b++) {
        for (let e = 0; e < L.k[2]; e++, r++) {
          const offW = L.first[2] * L.s[2] + e * L.d[2] - L.p[2];
          const [lo, hi] = validRange(offW, L.s[2], W, oW);
          if (lo === hi) continue;
          for (let n = 0; n < N; n++) {
            const colBase = cols.offset + r * cs0 + n * cs1;
            const xBase = (n * C + c) * plane;
            let l = 0;
            for (let od = 0; od < oD; od++) {
              const id = (od + L.first[0]) * L.s[0] - L.p[0] + a * L.d[0];
              for (let oh = 0; oh < oH; oh++, l += oW) {
                const ih = (oh + L.first[1]) * L.s[1] - L.p[1] + b * L.d[1];
                if (id < 0 || id >= D || ih < 0 || ih >= H) continue;
                const row = xBase + (id * H + ih) * W + offW;
                const step = L.s[2];
                let q = colBase + (l + lo) * cs2;
                for (let ow = lo, t = row + lo * step; ow < hi; ow++, q += cs2, t += step) out[t] += cd[q];
              }
            }
          }
        }
      }
    }
  }
}

/** Per-plane flat index of the largest tap of every pooling window (PyTorch's tie rules). */
export function maxPoolIndices(x: View, p: PoolTaps, out: Int32Array): void {
  const [N, C] = x.shape;
  const [sN, sC] = x.strides;
  const nd = x.shape.length - 2;
  const pre = 3 - nd;
  const one = Int32Array.of(0);
  const taps = [...new Array<Int32Array>(pre).fill(one), ...p.taps];
  const width = [...new Array<number>(pre).fill(1), ...p.width];
  const [oD, oH, oW] = [...new Array<number>(pre).fill(1), ...p.outSize];
  const [, H, W] = [...new Array<number>(pre).fill(1), ...x.shape.slice(2)];
  const [xsD, xsH, xsW] = [...new Array<number>(pre).fill(0), ...x.strides.slice(2)];
  const [tD, tH, tW] = taps;
  const [wD, wH, wW] = width;
  const xd = x.data;
  let pos = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = x.offset + n * sN + c * sC;
      for (let od = 0; od < oD; od++) {
        for (let oh = 0; oh < oH; oh++) {
          for (let ow = 0; ow < oW; ow++, pos++) {
            let best = -Infinity;
            let bestIdx = -1;
            for (let a = 0; a < wD; a++) {
              const id = tD[od * wD + a];
              if (id < 0) continue;
              for (let b = 0; b < wH; b++) {
                const ih = tH[oh * wH + b];
                if (ih < 0) continue;
                for (let e = 0; e < wW; e++) {
                  const iw = tW[ow * wW + e];
                  if (iw < 0) continue;
                  const v = xd[base + id * xsD + ih * xsH + iw * xsW];
                  const flat = (id * H + ih) * W + iw;
                  if (bestIdx < 0) bestIdx = flat;
                  // PyTorch's comparison: a later NaN replaces an earlier one.
                  if (v > best || v !== v) {
                    best = v;
                    bestIdx = flat;
                  }
                }
              }
            }
            out[pos] = bestIdx;
          }
        }
      }
    }
  }
}
