// The wasm recurrent-cell kernels and the packed-weight GEMM against the js reference: random
// batch and hidden sizes (odd ones included), the strided views the kernels receive (column
// blocks of wider buffers, transposed and offset windows), float32 in wasm and the float64
// fallback, and whole recurrent layers on both backends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import * as jsRnn from '../src/backend/js/rnn.js';
import type { View } from '../src/backend/types.js';
import { packRhs } from '../src/backend/wasm/gemmPacked.js';
import { allowRelaxed, hasSimd, useRelaxed } from '../src/backend/wasm/index.js';
import { rnnKernels as wasm } from '../src/backend/wasm/rnn.js';

// mulberry32: a small seeded generator, so failures reproduce.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(2024);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** float32 unit roundoff. */
const U = 2 ** -24;

type Layout = 'contiguous' | 'columns' | 'transposed';

/**
 * A `[B, n]` view over fresh storage: contiguous, a column block of a wider row-major buffer
 * (as the layer loop and `lstmCellPrim` pass), or transposed (column-major) at an offset.
 * `fill` gives the values; float32 inputs are quantized to multiples of 2^-12 in [-8, 8] so
 * that sums of two of them are exact and the tests measure the kernels, not the inputs.
 */
function makeView(B: number, n: number, layout: Layout, ctor: typeof Float32Array | typeof Float64Array, fill = true) {
  const off = Math.floor(rand() * 3);
  const extra = layout === 'columns' ? 1 + Math.floor(rand() * 5) : 0;
  const lead = layout === 'columns' ? Math.floor(rand() * (extra + 1)) : 0;
  const data = new ctor(off + B * (n + extra) + 4);
  if (fill) for (let i = 0; i < data.length; i++) data[i] = Math.round((rand() * 16 - 8) * 4096) / 4096;
  const strides = layout === 'transposed' ? [1, B] : [n + extra, 1];
  return { data, shape: [B, n], strides, offset: off + lead } as View;
}

const get = (v: View, b: number, j: number): number => v.data[v.offset + b * v.strides[0] + j * v.strides[1]];

/** The same view over float64 storage (a copy, same strides): the js kernel's reference input. */
function as64(v: View): View {
  return { ...v, data: Float64Array.from(v.data) };
}

interface Operand {
  n: number;
  out: boolean;
}

/** Runs a kernel on random float32 operands with wasm and with the js kernel in float64. */
function runBoth(
  ops: readonly Operand[],
  B: number,
  layout: () => Layout,
  wasmRun: (v: View[]) => void,
  jsRun: (v: View[]) => void,
  prepare?: (v: View[]) => void,
): { got: View[]; want: View[]; inputs: View[] } {
  const got = ops.map((o) => makeView(B, o.n, layout(), Float32Array, !o.out));
  prepare?.(got);
  const want = got.map(as64);
  wasmRun(got);
  jsRun(want);
  return { got, want, inputs: want };
}

/** The largest |got - want| / (U * scale(b, j)) over output `v` of width n. */
function worst(got: View, want: View, scale: (b: number, j: number) => number): number {
  let w = 0;
  const [B, n] = got.shape;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < n; j++) {
      const e = Math.abs(get(got, b, j) - get(want, b, j)) / (U * scale(b, j) + 1e-38);
      if (!(e <= w)) w = Number.isNaN(e) ? Infinity : e;
    }
  }
  return w;
}

const SIZES: [number, number][] = [
  [1, 1],
  [1, 4],
  [2, 3],
  [3, 5],
  [4, 8],
  [5, 17],
  [16, 128],
  [7, 33],
  [13, 64],
  [2, 130],
];
const layouts = (): Layout => pick(['contiguous', 'columns', 'transposed'] as const);

const sig = (x: number) => 1 / (1 + Math.exp(-x));
// Bounds in units of U times each output's scale (see rnn-codegen.ts); the figures measured
// over the cases below are in the comments.
describe('wasm recurrent cells against the js kernels (float64 reference)', () => {
  test('the runtime has WebAssembly SIMD', () => assert.equal(hasSimd(), true));

  test('lstmCell: gates within 5 U |gate|; c and h within 8 U of the summands', () => {
    let [wg, wc, wh] = [0, 0, 0];
    for (let rep = 0; rep < 40; rep++) {
      const [B, H] = pick(SIZES);
      const ops = [4 * H, 4 * H, H, 4 * H, H, H].map((n, i) => ({ n, out: i >= 3 }));
      const { got, want } = runBoth(
        ops,
        B,
        layouts,
        (v) => wasm.lstmCell(v[0], v[1], v[2], v[3], v[4], v[5]),
        (v) => jsRnn.lstmCell(v[0], v[1], v[2], v[3], v[4], v[5]),
      );
      const [x, h, p] = want;
      const pre = (b: number, k: number, j: number) => get(x, b, k * H + j) + get(h, b, k * H + j);
      wg = Math.max(
        wg,
        worst(got[3], want[3], (b, j) => Math.abs(get(want[3], b, j))),
      );
      // c = f c' + i g: each term carries the gates' error; the sum may cancel.
      const cScale = (b: number, j: number) =>
        Math.abs(sig(pre(b, 1, j)) * get(p, b, j)) + Math.abs(sig(pre(b, 0, j)) * Math.tanh(pre(b, 2, j)));
      wc = Math.max(wc, worst(got[4], want[4], cScale));
      wh = Math.max(
        wh,
        worst(got[5], want[5], (b, j) => cScale(b, j) + Math.abs(get(want[5], b, j))),
      );
    }
    // Measured: gates 2.7, c 4.0, h 2.2.
    assert.ok(wg <= 5, `gates ${wg}`);
    assert.ok(wc <= 8, `c ${wc}`);
    assert.ok(wh <= 8, `h ${wh}`);
  });

  test('lstmCellBackward: within 8 U of the summands of each product', () => {
    let w = 0;
    for (let rep = 0; rep < 40; rep++) {
      const [B, H] = pick(SIZES);
      const ops = [4 * H, H, H, H, H, 4 * H, H].map((n, i) => ({ n, out: i >= 5 }));
      // Gates hold activations: sigmoid values in (0, 1) and tanh in (-1, 1), as float32.
      const prepare = (v: View[]) => {
        const [B2, W] = v[0].shape;
        for (let b = 0; b < B2; b++) {
          for (let j = 0; j < W; j++) {
            const idx = v[0].offset + b * v[0].strides[0] + j * v[0].strides[1];
            const g = Math.floor(j / (W / 4)) === 2;
            v[0].data[idx] = Math.fround(g ? Math.tanh(rand() * 8 - 4) : sig(rand() * 16 - 8));
          }
        }
      };
      const { got, want } = runBoth(
        ops,
        B,
        layouts,
        (v) => wasm.lstmCellBackward(v[0], v[1], v[2], v[3], v[4], v[5], v[6]),
        (v) => jsRnn.lstmCellBackward(v[0], v[1], v[2], v[3], v[4], v[5], v[6]),
        prepare,
      );
      const [g, p, c, dh, dc] = want;
      const gate = (b: number, k: number, j: number) => get(g, b, k * H + j);
      const sech2 = (b: number, j: number) => 1 - Math.tanh(get(c, b, j)) ** 2;
      const dcs = (b: number, j: number) =>
        Math.abs(get(dc, b, j)) + Math.abs(get(dh, b, j) * gate(b, 3, j) * sech2(b, j));
      const factor = [
        (b: number, j: number) => gate(b, 2, j) * gate(b, 0, j) * (1 - gate(b, 0, j)),
        (b: number, j: number) => get(p, b, j) * gate(b, 1, j) * (1 - gate(b, 1, j)),
        (b: number, j: number) => gate(b, 0, j) * (1 - gate(b, 2, j) ** 2),
      ];
      w = Math.max(
        w,
        worst(got[5], want[5], (b, jj) => {
          const k = Math.floor(jj / H);
          const j = jj % H;
          const own = Math.abs(get(want[5], b, jj));
          return k === 3 ? own : dcs(b, j) * Math.abs(factor[k](b, j)) + own;
        }),
        worst(got[6], want[6], (b, j) => dcs(b, j) * gate(b, 1, j) + Math.abs(get(want[6], b, j))),
      );
    }
    // Measured: 3.9.
    assert.ok(w <= 8, `worst ${w}`);
  });

  test('gruCell: gates within 5 U; h within 8 U of the summands', () => {
    let [wg, wh] = [0, 0];
    for (let rep = 0; rep < 40; rep++) {
      const [B, H] = pick(SIZES);
      const ops = [3 * H, 3 * H, H, 4 * H, H].map((n, i) => ({ n, out: i >= 3 }));
      const { got, want } = runBoth(
        ops,
        B,
        layouts,
        (v) => wasm.gruCell(v[0], v[1], v[2], v[3], v[4]),
        (v) => jsRnn.gruCell(v[0], v[1], v[2], v[3], v[4]),
      );
      const [x, hg, p, gates] = want;
      const r = (b: number, j: number) => get(gates, b, j);
      const z = (b: number, j: number) => get(gates, b, H + j);
      const nScale = (b: number, j: number) =>
        Math.abs(get(x, b, 2 * H + j)) + Math.abs(r(b, j) * get(hg, b, 2 * H + j)) + Math.abs(get(gates, b, 2 * H + j));
      wg = Math.max(
        wg,
        worst(got[3], want[3], (b, jj) =>
          jj >= 2 * H && jj < 3 * H ? nScale(b, jj - 2 * H) : Math.abs(get(gates, b, jj)),
        ),
      );
      wh = Math.max(
        wh,
        worst(
          got[4],
          want[4],
          (b, j) => (1 - z(b, j)) * nScale(b, j) + Math.abs(z(b, j) * get(p, b, j)) + Math.abs(get(want[4], b, j)),
        ),
      );
    }
    // Measured: gates 2.8, h 1.4.
    assert.ok(wg <= 5, `gates ${wg}`);
    assert.ok(wh <= 8, `h ${wh}`);
  });

  test('gruCellBackward: every output within 8 U of its value (products only)', () => {
    let w = 0;
    for (let rep = 0; rep < 40; rep++) {
      const [B, H] = pick(SIZES);
      const ops = [4 * H, H, H, 3 * H, 3 * H, H].map((n, i) => ({ n, out: i >= 3 }));
      const prepare = (v: View[]) => {
        const [B2, W] = v[0].shape;
        for (let b = 0; b < B2; b++) {
          for (let j = 0; j < W; j++) {
            const idx = v[0].offset + b * v[0].strides[0] + j * v[0].strides[1];
            const k = Math.floor(j / (W / 4));
            v[0].data[idx] = Math.fround(
              k < 2 ? sig(rand() * 16 - 8) : k === 2 ? Math.tanh(rand() * 8 - 4) : rand() * 4 - 2,
            );
          }
        }
      };
      const { got, want } = runBoth(
        ops,
        B,
        layouts,
        (v) => wasm.gruCellBackward(v[0], v[1], v[2], v[3], v[4], v[5]),
        (v) => jsRnn.gruCellBackward(v[0], v[1], v[2], v[3], v[4], v[5]),
        prepare,
      );
      for (const k of [3, 4, 5])
        w = Math.max(
          w,
          worst(got[k], want[k], (b, j) => Math.abs(get(want[k], b, j))),
        );
    }
    // Measured: 4.6.
    assert.ok(w <= 8, `worst ${w}`);
  });

  for (const relu of [false, true]) {
    test(`rnnCell and rnnCellBackward (${relu ? 'relu: exact' : 'tanh: within 4 U'})`, () => {
      let w = 0;
      for (let rep = 0; rep < 30; rep++) {
        const [B, H] = pick(SIZES);
        const ops = [H, H, H].map((n, i) => ({ n, out: i === 2 }));
        const f = runBoth(
          ops,
          B,
          layouts,
          (v) => wasm.rnnCell(v[0], v[1], relu, v[2]),
          (v) => jsRnn.rnnCell(v[0], v[1], relu, v[2]),
        );
        w = Math.max(
          w,
          worst(f.got[2], f.want[2], (b, j) => Math.abs(get(f.want[2], b, j))),
        );
        // Backward from the float32 forward output.
        const hv = f.got[2];
        const dh = makeView(B, H, layouts(), Float32Array);
        const d1 = makeView(B, H, layouts(), Float32Array, false);
        const d2 = { ...d1, data: new Float64Array(d1.data.length) };
        wasm.rnnCellBackward(hv, dh, relu, d1);
        jsRnn.rnnCellBackward(as64(hv), as64(dh), relu, d2);
        w = Math.max(
          w,
          worst(d1, d2, (b, j) => Math.abs(get(d2, b, j))),
        );
      }
      // Measured: tanh 2.3.
      assert.ok(relu ? w === 0 : w <= 4, `worst ${w}`);
    });
  }

  test('activations on a dense grid: sigmoid and tanh within 2 ulp of float64 rounded', () => {
    // lstmCell with hg = 0 and c' = 0 turns its gates into sigmoid (i, f, o) and tanh (g) of xg;
    // every gate block gets the whole grid: [-20, 20], and [-1, 1] more densely (tanh's series).
    const H = 8192;
    const grid = Array.from({ length: H }, (_, j) => (j < 6000 ? -20 + (40 * j) / 6000 : -1 + (2 * (j - 6000)) / 2192));
    const xs = new Float32Array(4 * H);
    for (let k = 0; k < 4 * H; k++) xs[k] = grid[k % H] + 1e-4;
    const v = (n: number, data = new Float32Array(n)): View => ({ data, shape: [1, n], strides: [n, 1], offset: 0 });
    const gates = v(4 * H);
    wasm.lstmCell(v(4 * H, xs), v(4 * H), v(H), gates, v(H), v(H));
    const bits = new Int32Array(2);
    const f32 = new Float32Array(bits.buffer);
    let worstUlp = 0;
    for (let k = 0; k < 4 * H; k++) {
      const x = xs[k];
      const want = Math.floor(k / H) === 2 ? Math.tanh(x) : sig(x);
      f32[0] = gates.data[k];
      f32[1] = want;
      worstUlp = Math.max(worstUlp, Math.abs(bits[0] - bits[1]));
    }
    assert.ok(worstUlp <= 2, `worst ${worstUlp} ulp`);
  });

  test('special values: NaN, infinities and zeros give what the js kernels give', () => {
    // NaN where the js kernel gives NaN, else within 2 ulp; zeros compare without their sign: a
    // float32 product can underflow to a zero of the other sign than the float64 one (o tanh(c)
    // for x = -200 is -1.9e-174 in float64, +0 * 0 in float32).
    const bits = new Int32Array(2);
    const f32 = new Float32Array(bits.buffer);
    const near = (got: ArrayLike<number>, want: ArrayLike<number>) => {
      for (let i = 0; i < want.length; i++) {
        if (Number.isNaN(want[i])) {
          assert.ok(Number.isNaN(got[i]), `[${i}]: ${got[i]}, want NaN`);
          continue;
        }
        [f32[0], f32[1]] = [got[i] || 0, Math.fround(want[i]) || 0];
        assert.ok(Math.abs(bits[0] - bits[1]) <= 2, `[${i}]: ${got[i]}, want ${want[i]}`);
      }
    };
    const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 200, -200];
    const H = specials.length;
    const v = (n: number, data: Float32Array | Float64Array = new Float32Array(n)): View => ({
      data,
      shape: [1, n],
      strides: [n, 1],
      offset: 0,
    });
    const xg = Float32Array.from([...specials, ...specials, ...specials, ...specials]);
    const outs = [v(4 * H), v(H), v(H)];
    const ref = [v(4 * H, new Float64Array(4 * H)), v(H, new Float64Array(H)), v(H, new Float64Array(H))];
    wasm.lstmCell(v(4 * H, xg), v(4 * H), v(H), outs[0], outs[1], outs[2]);
    jsRnn.lstmCell(v(4 * H, xg), v(4 * H), v(H), ref[0], ref[1], ref[2]);
    outs.forEach((o, i) => near(o.data, ref[i].data));
    for (const relu of [false, true]) {
      const [h1, h2] = [v(H), v(H, new Float64Array(H))];
      wasm.rnnCell(v(H, xg.subarray(0, H)), v(H), relu, h1);
      jsRnn.rnnCell(v(H, xg.subarray(0, H)), v(H), relu, h2);
      near(h1.data, h2.data);
    }
  });

  test('float64 and mixed dtypes fall back to the js kernels (identical results)', () => {
    // float64 in and out, then float32 in and float64 out (mixed).
    for (const ctor of [Float64Array, Float32Array]) {
      const [B, H] = [3, 5];
      const outCtor = Float64Array;
      const ins = [4 * H, 4 * H, H].map((n) => makeView(B, n, layouts(), ctor));
      const a = [4 * H, H, H].map((n) => makeView(B, n, 'contiguous', outCtor, false));
      const b = a.map((x) => ({ ...x, data: new outCtor(x.data.length) }));
      wasm.lstmCell(ins[0], ins[1], ins[2], a[0], a[1], a[2]);
      jsRnn.lstmCell(ins[0], ins[1], ins[2], b[0], b[1], b[2]);
      a.forEach((x, i) => assert.deepEqual(Array.from(x.data), Array.from(b[i].data)));
      const g = [3 * H, 3 * H, H].map((n) => makeView(B, n, layouts(), ctor));
      const o1 = makeView(B, 4 * H, 'contiguous', outCtor, false);
      const h1 = makeView(B, H, 'columns', outCtor, false);
      const [o2, h2] = [o1, h1].map((x) => ({ ...x, data: new outCtor(x.data.length) }));
      wasm.gruCell(g[0], g[1], g[2], o1, h1);
      jsRnn.gruCell(g[0], g[1], g[2], o2, h2);
      assert.deepEqual(Array.from(o1.data), Array.from(o2.data));
    }
  });

  test('batches larger than one scratch pass go through in row chunks', () => {
    const [B, H] = [150, 1000];
    const views = [4 * H, 4 * H, H, 4 * H, H, H].map((n, i) =>
      makeView(B, n, i === 2 ? 'columns' : 'contiguous', Float32Array, i < 3),
    );
    const ref = views.map(as64);
    wasm.lstmCell(views[0], views[1], views[2], views[3], views[4], views[5]);
    jsRnn.lstmCell(ref[0], ref[1], ref[2], ref[3], ref[4], ref[5]);
    const w = worst(views[3], ref[3], (b, j) => Math.abs(get(ref[3], b, j)));
    assert.ok(w <= 4, `gates ${w}`);
  });
});

describe('packed right operand (gemmPacked.ts)', () => {
  for (const relaxed of [false, true]) {
    test(`a @ B (+ bias) matches a float64 product (${relaxed ? 'relaxed FMA' : 'plain SIMD'})`, () => {
      allowRelaxed(relaxed);
      try {
        if (relaxed && !useRelaxed()) return;
        for (let rep = 0; rep < 25; rep++) {
          const K = pick([1, 3, 8, 17, 128, 300, 513]);
          const N = pick([1, 5, 8, 12, 33, 512]);
          const layout = pick(['contiguous', 'columns', 'transposed'] as const);
          const b = makeView(K, N, layout, Float32Array);
          const packed = packRhs(b)!;
          assert.ok(packed, 'packRhs returned null for float32');
          // A second live operand, so the first's panels must survive the other's work area.
          const other = packRhs(makeView(7, 9, 'contiguous', Float32Array))!;
          for (const m of [1, 4, 5, 16, 17]) {
            const a = new Float32Array(3 + m * K).map(() => rand() * 2 - 1);
            const bias = rand() < 0.5 ? new Float32Array(2 + N).map(() => rand()) : null;
            const out = new Float32Array(1 + m * N);
            packed.multiply(a, 3, m, out, 1, bias, 2);
            other.multiply(new Float32Array(7 * m), 0, m, new Float32Array(9 * m), 0, null, 0);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < N; j++) {
                let want = bias ? bias[2 + j] : 0;
                let mag = Math.abs(want);
                for (let p = 0; p < K; p++) {
                  want += a[3 + i * K + p] * get(b, p, j);
                  mag += Math.abs(a[3 + i * K + p] * get(b, p, j));
                }
                const e = Math.abs(out[1 + i * N + j] - want);
                assert.ok(
                  e <= (K + 2) * 2 * U * mag + 1e-30,
                  `K ${K} N ${N} m ${m} [${i}, ${j}]: ${out[1 + i * N + j]} vs ${want}`,
                );
              }
            }
          }
          other.release();
          packed.release();
        }
      } finally {
        allowRelaxed(true);
      }
    });
  }

  test('float64, empty and negatively strided operands are declined (null)', () => {
    assert.equal(packRhs({ data: new Float64Array(6), shape: [2, 3], strides: [3, 1], offset: 0 }), null);
    assert.equal(packRhs({ data: new Float32Array(0), shape: [0, 3], strides: [3, 1], offset: 0 }), null);
    assert.equal(packRhs({ data: new Float32Array(6), shape: [2, 3], strides: [-3, 1], offset: 3 }), null);
  });
});

describe('recurrent layers: wasm backend against js (float32)', () => {
  const build = (kind: string) => {
    nb.manualSeed(7);
    if (kind === 'lstm-proj') return new nb.nn.LSTM(5, 7, { numLayers: 2, bidirectional: true, projSize: 3 });
    if (kind === 'lstm') return new nb.nn.LSTM(5, 9, { numLayers: 2 });
    if (kind === 'gru') return new nb.nn.GRU(5, 9, { bidirectional: true });
    return new nb.nn.RNN(5, 9, { nonlinearity: kind === 'relu' ? 'relu' : 'tanh', bidirectional: true });
  };
  for (const kind of ['lstm', 'lstm-proj', 'gru', 'tanh', 'relu']) {
    for (const withLengths of [false, true]) {
      test(`${kind}${withLengths ? ' with lengths' : ''}: outputs and gradients agree`, () => {
        const results: number[][][] = [];
        for (const backend of ['js', 'wasm']) {
          nb.setBackend(backend);
          try {
            const m = build(kind);
            nb.manualSeed(11);
            const x = nb.randn([6, 4, 5]);
            const opts = withLengths ? { lengths: [6, 2, 5, 1] } : undefined;
            const [y, hN] = (m.forward as (...a: unknown[]) => [nb.Tensor, nb.Tensor | nb.Tensor[]])(
              x,
              undefined,
              opts,
            );
            const hs = Array.isArray(hN) ? hN : [hN];
            y.mul(y)
              .sum()
              .add(hs.reduce((s, h) => s.add(h.sum()), nb.tensor(0)))
              .backward();
            results.push([Array.from(y.data()), ...m.parameters().map((p) => Array.from(p.grad!.data()))]);
          } finally {
            nb.setBackend('wasm');
          }
        }
        const [js, wa] = results;
        js.forEach((arr, i) =>
          arr.forEach((v, j) =>
            assert.ok(
              Math.abs(v - wa[i][j]) <= 1e-4 * (1 + Math.abs(v)),
              `tensor ${i}[${j}]: js ${v}, wasm ${wa[i][j]}`,
            ),
          ),
        );
      });
    }
  }
});
