// Generates the float32 recurrent-cell kernels (LSTM, GRU, Elman; forward and backward), one
// small module each so every module stays under the 4 KB browsers compile synchronously.
//
// Layout in scratch: a `[B, G*H]` operand is staged as `[B][G][Hp]` (Hp = H rounded up to 4),
// so each gate block of a row starts 16-byte aligned and the kernels walk all operands in
// lock-step, 4 units at a time; lanes past H compute on leftover scratch values and are never
// copied out. Every kernel is `(...pointers, rows, hb)` with byte pointers and hb = Hp * 4.
//
// Accuracy, against the js kernels evaluated in float64 (test/wasm-rnn.test.ts): the gate
// activations are within 2 ulp (sigmoid) and 1 ulp (tanh) on dense grids (exp of
// elementwise-codegen.ts, <= 1 ulp, and one division). 1 - tanh^2 is taken as
// sech^2 = 4t / (1 + t)^2 with t = exp(-2|x|), 1 - g^2 of a stored gate as (1 - g)(1 + g), and
// GRU's 1 - z from the sigmoid itself, so none of them cancels. Products and sums round once per
// operation in float32 where the js kernels round once at the store, so an output formed by a
// sum (c, GRU's h, dc*) errs by a few units of 2^-24 times its summands' magnitude (measured at
// most 4.6), not of its own.

import { Code, encodeModule, Func, I32, Simd, V128 } from './encoder.js';
import { expEmitter } from './elementwise-codegen.js';

const { f32x4Add: add, f32x4Sub: sub, f32x4Mul: mul, f32x4Div: div } = Simd;
const F32X4_ABS = 0xe0;
const F32X4_NEG = 0xe1;
const F32X4_LT = 0x43;

type Emit = (e: Code) => void;

/**
 * sigmoid of the f32x4 on the stack, in place: 1 / (1 + e) or e / (1 + e), e = exp(-|x|) <= 1.
 * With `complement` given, also stores 1 - sigmoid(x) = sigmoid(-x) there, computed the same
 * way rather than by a subtraction that would cancel where sigmoid(x) is near 1.
 */
function sigmoidEmitter(f: Func, complement?: number): Emit {
  const exp = expEmitter(f);
  const [x, t, q] = [f.local(V128), f.local(V128), f.local(V128)];
  const neg = (e: Code) => e.get(x).f32x4Const(0).simd(F32X4_LT);
  return (e) => {
    e.tee(x).simd(F32X4_ABS).simd(F32X4_NEG);
    exp(e);
    e.tee(t).f32x4Const(1).simd(add).set(q);
    if (complement !== undefined) {
      e.f32x4Const(1).get(t);
      neg(e).simd(Simd.bitselect).get(q).simd(div).set(complement);
    }
    e.get(t).f32x4Const(1);
    neg(e).simd(Simd.bitselect).get(q).simd(div);
  };
}

// tanh(x) = x + x z P(z), z = x^2, by its Taylor series for |x| < 0.55 (next term below 3e-9
// relative); beyond, sign(x) (1 - t) / (1 + t) with t = exp(-2|x|) < 0.34, so 1 - t keeps its
// precision.
const TANH_SMALL = 0.55;
const TANH_TAYLOR = [
  -1 / 3,
  2 / 15,
  -17 / 315,
  62 / 2835,
  -1382 / 155925,
  21844 / 6081075,
  -929569 / 638512875,
  6404582 / 10854718875,
];

/**
 * tanh of the f32x4 on the stack, in place. With `sech2` given, also stores
 * 1 - tanh^2(x) = 4t / (1 + t)^2 in that local (accurate where 1 - tanh^2 would cancel).
 */
function tanhEmitter(f: Func, sech2?: number): Emit {
  const exp = expEmitter(f);
  const [x, t, z, q] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  return (e) => {
    e.tee(x).simd(F32X4_ABS).f32x4Const(-2).simd(mul);
    exp(e);
    e.tee(t).f32x4Const(1).simd(add).set(q);
    if (sech2 !== undefined) e.get(t).f32x4Const(4).simd(mul).get(q).get(q).simd(mul).simd(div).set(sech2);
    e.f32x4Const(1).get(t).simd(sub).get(q).simd(div);
    // Copy x's sign bit onto (1 - t) / (1 + t).
    e.get(x).i32x4Const(0x7fffffff).simd(Simd.bitselect).set(t);
    e.get(x).get(x).simd(mul).set(z);
    e.f32x4Const(TANH_TAYLOR[TANH_TAYLOR.length - 1]);
    for (let i = TANH_TAYLOR.length - 2; i >= 0; i--) e.get(z).simd(mul).f32x4Const(TANH_TAYLOR[i]).simd(add);
    e.get(z).simd(mul).get(x).simd(mul).get(x).simd(add);
    e.get(t).get(x).simd(F32X4_ABS).f32x4Const(TANH_SMALL).simd(F32X4_LT).simd(Simd.bitselect);
  };
}

/** A pointer parameter and the number of gate blocks (of hb bytes) in one row of its operand. */
interface Ptr {
  readonly p: number;
  readonly g: number;
}

/**
 * A kernel over `ptrs.length` operands plus (rows, hb): `body(ld, st)` runs once per 4 units,
 * with `ld(ptr, gate)` pushing the f32x4 of gate block `gate` and `st(ptr, gate, value)` storing
 * the f32x4 that `value` pushes.
 */
type Load = (p: number, gate?: number) => Code;
type Store = (p: number, gate: number, value: () => unknown) => void;

function cellKernel(name: string, gates: readonly number[], body: (f: Func) => (ld: Load, st: Store) => void): Func {
  const f = new Func(name, [...gates.map(() => I32), I32, I32]);
  const ptrs: Ptr[] = gates.map((g, p) => ({ p, g }));
  const rows = gates.length;
  const hb = gates.length + 1;
  const j = f.local(I32);
  const maxG = Math.max(...gates);
  // off[k] = k * hb, the byte offset of gate block k within a row.
  const off = [0, ...Array.from({ length: Math.max(maxG - 1, 0) }, () => f.local(I32))];
  const e = f.code;
  const addr = (p: number, gate: number) => {
    e.get(p);
    if (gate > 0) e.get(off[gate]).i32Add();
  };
  const ld = (p: number, gate = 0) => {
    addr(p, gate);
    return e.simdMem(Simd.load, 0);
  };
  const st = (p: number, gate: number, value: () => unknown) => {
    addr(p, gate);
    value();
    e.simdMem(Simd.store, 0);
  };
  const run = body(f);
  for (let k = 1; k < off.length; k++) e.get(hb).i32(k).i32Mul().set(off[k]);
  e.block().get(rows).i32Eqz().brIf(0).loop();
  e.get(hb).set(j);
  e.loop();
  run(ld, st);
  for (const { p } of ptrs) e.inc(p, 16);
  e.get(j).i32(16).i32Sub().tee(j).brIf(0);
  e.end();
  // Skip the row's remaining gate blocks.
  for (const { p, g } of ptrs)
    if (g > 1)
      e.get(p)
        .get(hb)
        .i32(g - 1)
        .i32Mul()
        .i32Add()
        .set(p);
  e.get(rows).i32(1).i32Sub().tee(rows).brIf(0);
  e.end().end();
  return f;
}

/** `lstm(xg, hg, cPrev, gates, c, h, rows, hb)`: i, f, g, o; c = f c' + i g; h = o tanh(c). */
function lstm(): Func {
  const [X, Hg, P, G, C, O] = [0, 1, 2, 3, 4, 5];
  return cellKernel('lstm', [4, 4, 1, 4, 1, 1], (f) => {
    const sig = sigmoidEmitter(f);
    const th = tanhEmitter(f);
    const [i, fg, g, cv] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
    const e = f.code;
    const pre = (ld: Load, k: number) => {
      ld(X, k);
      ld(Hg, k).simd(add);
    };
    return (ld, st) => {
      const gate = (k: number, act: Emit, keep: number) =>
        st(G, k, () => {
          pre(ld, k);
          act(e);
          e.tee(keep);
        });
      gate(0, sig, i);
      gate(1, sig, fg);
      gate(2, th, g);
      st(C, 0, () => {
        e.get(fg);
        ld(P).simd(mul).get(i).get(g).simd(mul).simd(add).tee(cv);
      });
      st(O, 0, () => {
        gate(3, sig, g); // o, kept in g's local
        e.get(g).get(cv);
        th(e);
        e.simd(mul);
      });
    };
  });
}

/**
 * `lstmBack(gates, cPrev, c, dh, dc, dGates, dcPrev, rows, hb)`: dc* = dc + dh o sech^2(c);
 * d pre = (dc* g i(1-i), dc* c' f(1-f), dc* i (1-g)(1+g), dh tanh(c) o(1-o)); dc' = dc* f.
 */
function lstmBack(): Func {
  const [G, P, C, Dh, Dc, DG, DP] = [0, 1, 2, 3, 4, 5, 6];
  return cellKernel('lstmBack', [4, 1, 1, 1, 1, 4, 1], (f) => {
    const s2 = f.local(V128);
    const th = tanhEmitter(f, s2);
    const [i, fg, g, o, tc, dh, ds] = Array.from({ length: 7 }, () => f.local(V128));
    const e = f.code;
    // Multiplies the value on the stack by x (1 - x).
    const dsig = (x: number) => e.get(x).simd(mul).f32x4Const(1).get(x).simd(sub).simd(mul);
    return (ld, st) => {
      [i, fg, g, o].forEach((x, k) => ld(G, k).set(x));
      ld(C);
      th(e);
      e.set(tc);
      ld(Dh).set(dh);
      ld(Dc).get(dh).get(o).simd(mul).get(s2).simd(mul).simd(add).set(ds);
      st(DG, 0, () => {
        e.get(ds).get(g).simd(mul);
        dsig(i);
      });
      st(DG, 1, () => {
        e.get(ds);
        ld(P).simd(mul);
        dsig(fg);
      });
      st(DG, 2, () => {
        e.get(ds).get(i).simd(mul).f32x4Const(1).get(g).simd(sub).simd(mul);
        e.f32x4Const(1).get(g).simd(add).simd(mul);
      });
      st(DG, 3, () => {
        e.get(dh).get(tc).simd(mul);
        dsig(o);
      });
      st(DP, 0, () => e.get(ds).get(fg).simd(mul));
    };
  });
}

/**
 * `gru(xg, hg, hPrev, gates, h, rows, hb)`: r, z, n = tanh(xn + r hn), h = (1 - z) n + z h',
 * with 1 - z from the sigmoid itself.
 */
function gru(): Func {
  const [X, Hg, P, G, O] = [0, 1, 2, 3, 4];
  return cellKernel('gru', [3, 3, 1, 4, 1], (f) => {
    const zc = f.local(V128);
    const sig = sigmoidEmitter(f);
    const sigZ = sigmoidEmitter(f, zc);
    const th = tanhEmitter(f);
    const [r, z, hn, n] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
    const e = f.code;
    return (ld, st) => {
      st(G, 0, () => {
        ld(X, 0);
        ld(Hg, 0).simd(add);
        sig(e);
        e.tee(r);
      });
      st(G, 1, () => {
        ld(X, 1);
        ld(Hg, 1).simd(add);
        sigZ(e);
        e.tee(z);
      });
      st(G, 3, () => ld(Hg, 2).tee(hn));
      st(G, 2, () => {
        ld(X, 2).get(r).get(hn).simd(mul).simd(add);
        th(e);
        e.tee(n);
      });
      st(O, 0, () => {
        e.get(zc).get(n).simd(mul).get(z);
        ld(P).simd(mul).simd(add);
      });
    };
  });
}

/**
 * `gruBack(gates, hPrev, dh, dxg, dhg, dhPrev, rows, hb)`: dn* = dh (1 - z)(1 - n)(1 + n),
 * dr = dn* hn r(1-r), dz = dh (h' - n) z(1-z); dxg = (dr, dz, dn*), dhg = (dr, dz, dn* r),
 * dh' = dh z.
 */
function gruBack(): Func {
  const [G, P, Dh, DX, DH, DP] = [0, 1, 2, 3, 4, 5];
  return cellKernel('gruBack', [4, 1, 1, 3, 3, 1], (f) => {
    const [r, z, n, hn, dh, dn, dr, dz] = Array.from({ length: 8 }, () => f.local(V128));
    const e = f.code;
    const dsig = (x: number) => e.get(x).simd(mul).f32x4Const(1).get(x).simd(sub).simd(mul);
    return (ld, st) => {
      [r, z, n, hn].forEach((x, k) => ld(G, k).set(x));
      ld(Dh).tee(dh).f32x4Const(1).get(z).simd(sub).simd(mul);
      e.f32x4Const(1).get(n).simd(sub).simd(mul).f32x4Const(1).get(n).simd(add).simd(mul).set(dn);
      e.get(dn).get(hn).simd(mul);
      dsig(r).set(dr);
      e.get(dh);
      ld(P).get(n).simd(sub).simd(mul);
      dsig(z).set(dz);
      for (const p of [DX, DH]) {
        st(p, 0, () => e.get(dr));
        st(p, 1, () => e.get(dz));
      }
      st(DX, 2, () => e.get(dn));
      st(DH, 2, () => e.get(dn).get(r).simd(mul));
      st(DP, 0, () => e.get(dh).get(z).simd(mul));
    };
  });
}

/** `rnnTanh` / `rnnRelu(xg, hg, h, rows, hb)`: h = tanh(xg + hg) or relu(xg + hg). */
function elman(relu: boolean): Func {
  return cellKernel(relu ? 'rnnRelu' : 'rnnTanh', [1, 1, 1], (f) => {
    const th = relu ? null : tanhEmitter(f);
    const e = f.code;
    return (ld, st) =>
      st(2, 0, () => {
        // relu as the js kernel: pmax(0, x) = 0 < x ? x : +0, so NaN and -0 give +0.
        if (relu) e.f32x4Const(0);
        ld(0);
        ld(1).simd(add);
        if (th) th(e);
        else e.simd(Simd.f32x4Pmax);
      });
  });
}

/** `rnnTanhBack` / `rnnReluBack(h, dh, dPre, rows, hb)`: dh (1 - h)(1 + h), or dh where h > 0. */
function elmanBack(relu: boolean): Func {
  return cellKernel(relu ? 'rnnReluBack' : 'rnnTanhBack', [1, 1, 1], (f) => {
    const h = f.local(V128);
    const e = f.code;
    return (ld, st) =>
      st(2, 0, () => {
        ld(1);
        ld(0).set(h);
        if (relu) e.get(h).f32x4Const(0).simd(Simd.f32x4Gt).simd(Simd.and);
        else e.f32x4Const(1).get(h).simd(sub).simd(mul).f32x4Const(1).get(h).simd(add).simd(mul);
      });
  });
}

/** The kernels by name, each in a module of its own (compiled on first use). */
export const RNN_KERNELS = {
  lstm,
  lstmBack,
  gru,
  gruBack,
  rnnTanh: () => elman(false),
  rnnRelu: () => elman(true),
  rnnTanhBack: () => elmanBack(false),
  rnnReluBack: () => elmanBack(true),
} as const;
export type RnnKernelName = keyof typeof RNN_KERNELS;

/** Bytes of the module exporting kernel `name` under that name. */
export function rnnModule(name: RnnKernelName): Uint8Array {
  return encodeModule([RNN_KERNELS[name]()]);
}
