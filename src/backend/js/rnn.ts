import type { View } from '../types.js';

// The gate math of one time step of the recurrent cells, forward and backward, fused: one pass
// over the batch instead of a dozen elementwise ops. Every operand is a 2-D `[B, n]` view; the
// element (b, j) lives at `offset + b * strides[0] + j * strides[1]`. Outputs are written
// through their views, so callers can point them into slices of larger buffers.

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * LSTM cell, gates in PyTorch's order i, f, g, o: pre = xg + hg; i, f, o = sigmoid; g = tanh;
 * c = f c' + i g; h = o tanh(c). Writes the activated gates (`[B, 4H]`), `c` and `h`.
 */
export function lstmCell(xg: View, hg: View, cPrev: View, gates: View, c: View, h: View): void {
  const [B, H] = c.shape;
  const [xd, hd, pd, gd, cd, od] = [xg.data, hg.data, cPrev.data, gates.data, c.data, h.data];
  const [xs, hs, ps, gs, cs, os] = [xg, hg, cPrev, gates, c, h].map((v) => v.strides[1]);
  for (let b = 0; b < B; b++) {
    const [x0, h0, p0, g0, c0, o0] = [xg, hg, cPrev, gates, c, h].map((v) => v.offset + b * v.strides[0]);
    for (let j = 0; j < H; j++) {
      // Gate k of unit j sits at column k * H + j of the pre-activations.
      const i = sigmoid(xd[x0 + j * xs] + hd[h0 + j * hs]);
      const f = sigmoid(xd[x0 + (H + j) * xs] + hd[h0 + (H + j) * hs]);
      const g = Math.tanh(xd[x0 + (2 * H + j) * xs] + hd[h0 + (2 * H + j) * hs]);
      const o = sigmoid(xd[x0 + (3 * H + j) * xs] + hd[h0 + (3 * H + j) * hs]);
      const cv = f * pd[p0 + j * ps] + i * g;
      gd[g0 + j * gs] = i;
      gd[g0 + (H + j) * gs] = f;
      gd[g0 + (2 * H + j) * gs] = g;
      gd[g0 + (3 * H + j) * gs] = o;
      cd[c0 + j * cs] = cv;
      od[o0 + j * os] = o * Math.tanh(cv);
    }
  }
}

/**
 * Backward of `lstmCell` from the activated gates, c' and c: with dc* = dc + dh o (1 - tanh^2 c),
 * d pre_i = dc* g i (1 - i), d pre_f = dc* c' f (1 - f), d pre_g = dc* i (1 - g^2),
 * d pre_o = dh tanh(c) o (1 - o), and dc' = dc* f.
 */
export function lstmCellBackward(
  gates: View,
  cPrev: View,
  c: View,
  dh: View,
  dc: View,
  dGates: View,
  dcPrev: View,
): void {
  const [B, H] = c.shape;
  const views = [gates, cPrev, c, dh, dc, dGates, dcPrev];
  const [gd, pd, cd, hd, dd, Gd, Pd] = views.map((v) => v.data);
  const [gs, ps, cs, hs, ds, Gs, Ps] = views.map((v) => v.strides[1]);
  for (let b = 0; b < B; b++) {
    const [g0, p0, c0, h0, d0, G0, P0] = views.map((v) => v.offset + b * v.strides[0]);
    for (let j = 0; j < H; j++) {
      const i = gd[g0 + j * gs];
      const f = gd[g0 + (H + j) * gs];
      const g = gd[g0 + (2 * H + j) * gs];
      const o = gd[g0 + (3 * H + j) * gs];
      const tc = Math.tanh(cd[c0 + j * cs]);
      const dhv = hd[h0 + j * hs];
      const dcs = dd[d0 + j * ds] + dhv * o * (1 - tc * tc);
      Gd[G0 + j * Gs] = dcs * g * i * (1 - i);
      Gd[G0 + (H + j) * Gs] = dcs * pd[p0 + j * ps] * f * (1 - f);
      Gd[G0 + (2 * H + j) * Gs] = dcs * i * (1 - g * g);
      Gd[G0 + (3 * H + j) * Gs] = dhv * tc * o * (1 - o);
      Pd[P0 + j * Ps] = dcs * f;
    }
  }
}

/**
 * GRU cell, PyTorch's gates r, z, n: r = sigmoid(xr + hr), z = sigmoid(xz + hz),
 * n = tanh(xn + r hn), h = (1 - z) n + z h'. `hg` holds the hidden projection with its bias.
 * Writes `gates` as `[B, 4H]` = r, z, n and hn (the backward needs hn) and `h`.
 */
export function gruCell(xg: View, hg: View, hPrev: View, gates: View, h: View): void {
  const [B, H] = h.shape;
  const views = [xg, hg, hPrev, gates, h];
  const [xd, hd, pd, gd, od] = views.map((v) => v.data);
  const [xs, hs, ps, gs, os] = views.map((v) => v.strides[1]);
  for (let b = 0; b < B; b++) {
    const [x0, h0, p0, g0, o0] = views.map((v) => v.offset + b * v.strides[0]);
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xd[x0 + j * xs] + hd[h0 + j * hs]);
      const z = sigmoid(xd[x0 + (H + j) * xs] + hd[h0 + (H + j) * hs]);
      const hn = hd[h0 + (2 * H + j) * hs];
      const n = Math.tanh(xd[x0 + (2 * H + j) * xs] + r * hn);
      gd[g0 + j * gs] = r;
      gd[g0 + (H + j) * gs] = z;
      gd[g0 + (2 * H + j) * gs] = n;
      gd[g0 + (3 * H + j) * gs] = hn;
      od[o0 + j * os] = (1 - z) * n + z * pd[p0 + j * ps];
    }
  }
}

/**
 * Backward of `gruCell`: with dn* = dh (1 - z)(1 - n^2), d pre_r = dn* hn r (1 - r),
 * d pre_z = dh (h' - n) z (1 - z); the input side gets (d pre_r, d pre_z, dn*), the hidden side
 * (d pre_r, d pre_z, dn* r), and `dhPrev` the direct term dh z (the caller adds dhg W_hh).
 */
export function gruCellBackward(gates: View, hPrev: View, dh: View, dxg: View, dhg: View, dhPrev: View): void {
  const [B, H] = hPrev.shape;
  const views = [gates, hPrev, dh, dxg, dhg, dhPrev];
  const [gd, pd, hd, Xd, Hd, Pd] = views.map((v) => v.data);
  const [gs, ps, hs, Xs, Hs, Ps] = views.map((v) => v.strides[1]);
  for (let b = 0; b < B; b++) {
    const [g0, p0, h0, X0, H0, P0] = views.map((v) => v.offset + b * v.strides[0]);
    for (let j = 0; j < H; j++) {
      const r = gd[g0 + j * gs];
      const z = gd[g0 + (H + j) * gs];
      const n = gd[g0 + (2 * H + j) * gs];
      const hn = gd[g0 + (3 * H + j) * gs];
      const dhv = hd[h0 + j * hs];
      const dn = dhv * (1 - z) * (1 - n * n);
      const dr = dn * hn * r * (1 - r);
      const dz = dhv * (pd[p0 + j * ps] - n) * z * (1 - z);
      Xd[X0 + j * Xs] = dr;
      Xd[X0 + (H + j) * Xs] = dz;
      Xd[X0 + (2 * H + j) * Xs] = dn;
      Hd[H0 + j * Hs] = dr;
      Hd[H0 + (H + j) * Hs] = dz;
      Hd[H0 + (2 * H + j) * Hs] = dn * r;
      Pd[P0 + j * Ps] = dhv * z;
    }
  }
}

/** Elman cell: h = tanh(xg + hg), or relu(xg + hg). */
export function rnnCell(xg: View, hg: View, relu: boolean, h: View): void {
  const [B, H] = h.shape;
  const views = [xg, hg, h];
  const [xd, hd, od] = views.map((v) => v.data);
  const [xs, hs, os] = views.map((v) => v.strides[1]);
  for (let b = 0; b < B; b++) {
    const [x0, h0, o0] = views.map((v) => v.offset + b * v.strides[0]);
    for (let j = 0; j < H; j++) {
      const pre = xd[x0 + j * xs] + hd[h0 + j * hs];
      od[o0 + j * os] = relu ? (pre > 0 ? pre : 0) : Math.tanh(pre);
    }
  }
}

/** Backward of `rnnCell` from its output: d pre = dh (1 - h^2), or dh [h > 0] for relu. */
export function rnnCellBackward(h: View, dh: View, relu: boolean, dPre: View): void {
  const [B, H] = h.shape;
  const views = [h, dh, dPre];
  const [hd, dd, od] = views.map((v) => v.data);
  const [hs, ds, os] = views.map((v) => v.strides[1]);
  for (let b = 0; b < B; b++) {
    const [h0, d0, o0] = views.map((v) => v.offset + b * v.strides[0]);
    for (let j = 0; j < H; j++) {
      const hv = hd[h0 + j * hs];
      const d = dd[d0 + j * ds];
      od[o0 + j * os] = relu ? (hv > 0 ? d : 0) : d * (1 - hv * hv);
    }
  }
}
