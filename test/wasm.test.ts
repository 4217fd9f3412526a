// The wasm backend against the js reference kernels: every wasm kernel on random shapes (0, 1,
// odd sizes, sizes that cross the blocking and chunk boundaries), transposed, broadcast and
// offset operands, both SIMD paths (plain and relaxed FMA), and the op layer running on it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import type { View } from '../src/backend/types.js';
import { allowRelaxed, hasSimd, initWasm, useRelaxed, wasmBackend } from '../src/backend/wasm/index.js';
import { gemm, gemmKernel } from '../src/backend/wasm/matmul.js';
import type { TypedArray } from '../src/tensor/dtype.js';

const js = jsBackend.kernels;
const wasm = wasmBackend().kernels;

// mulberry32: a small seeded generator, so failures reproduce.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(12345);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/**
 * A view of `shape` over fresh random storage laid out in a random dim order (transposes), with
 * the dims in `bcast` given stride 0 and a random leading offset.
 */
function view(
  shape: readonly number[],
  ctor: Ctor = Float32Array,
  opts: { bcast?: number[]; permute?: boolean; spread?: number } = {},
): View {
  const nd = shape.length;
  const order = Array.from({ length: nd }, (_, i) => i);
  if (opts.permute ?? true) order.sort(() => rand() - 0.5);
  const strides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let j = nd - 1; j >= 0; j--) {
    const d = order[j];
    if (opts.bcast?.includes(d)) continue;
    strides[d] = s * (opts.spread ?? 1);
    s *= Math.max(shape[d], 1);
  }
  s *= opts.spread ?? 1;
  const offset = Math.floor(rand() * 5);
  const data = new ctor(offset + s);
  for (let i = 0; i < data.length; i++) data[i] = ctor === Int32Array ? Math.floor(rand() * 20 - 10) : rand() * 4 - 2;
  return { data, shape, strides, offset };
}

// The elements of a view in row-major order.
function values(v: View): number[] {
  const out: number[] = [];
  const n = v.shape.reduce((p, x) => p * x, 1);
  for (let i = 0; i < n; i++) {
    let p = v.offset;
    for (let d = v.shape.length - 1, q = i; d >= 0; d--) {
      p += (q % v.shape[d]) * v.strides[d];
      q = Math.floor(q / v.shape[d]);
    }
    out.push(v.data[p]);
  }
  return out;
}

const F32_EPS = 2 ** -23;

// Float32 GEMM error bound: accumulating K products in float32 errs by at most about
// K * eps * sum_k |a_ik| |b_kj| (Higham, Accuracy and Stability of Numerical Algorithms, 3.1);
// the reference itself rounds once more.
function checkGemm(a: View, b: View, got: TypedArray, want: TypedArray, eps: number, label: string): void {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const av = values(a);
  const bv = values(b);
  for (let bi = 0; bi < B; bi++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let mag = 0;
        for (let k = 0; k < K; k++) mag += Math.abs(av[(bi * M + i) * K + k] * bv[(bi * K + k) * N + j]);
        const o = (bi * M + i) * N + j;
        const tol = (K + 2) * eps * mag + 1e-30;
        if (!(Math.abs(got[o] - want[o]) <= tol)) {
          assert.fail(`${label}: out[${bi}, ${i}, ${j}] = ${got[o]}, js ${want[o]}, tolerance ${tol}`);
        }
      }
    }
  }
}

function gemmCase(B: number, M: number, K: number, N: number, ctor: Float32ArrayConstructor | Float64ArrayConstructor) {
  const bcast = rand() < 0.25 && B > 1 ? pick(['a', 'b']) : '';
  // Spread-out operands (every element 3 apart) are packed by JavaScript instead of staged.
  const a = view([B, M, K], ctor, { bcast: bcast === 'a' ? [0] : [], spread: rand() < 0.15 ? 3 : 1 });
  const b = view([B, K, N], ctor, { bcast: bcast === 'b' ? [0] : [], spread: rand() < 0.15 ? 3 : 1 });
  return { a, b, label: `[${B}, ${M}, ${K}] @ [${B}, ${K}, ${N}] strides ${a.strides} / ${b.strides}` };
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 33, 65, 127];

describe('wasm matmul', () => {
  test('the runtime has WebAssembly SIMD (Node 20+)', () => {
    assert.equal(hasSimd(), true);
  });

  for (const relaxed of [false, true]) {
    test(`float32 matches js on random shapes and layouts (${relaxed ? 'relaxed FMA' : 'plain SIMD'})`, () => {
      allowRelaxed(relaxed);
      try {
        if (relaxed && !useRelaxed()) return; // runtime without relaxed SIMD: nothing to test
        const shapes: number[][] = [
          [1, 1, 1, 1],
          [3, 1, 1, 1],
          [2, 0, 3, 4],
          [2, 3, 0, 4],
          [2, 3, 4, 0],
          [0, 3, 4, 5],
          [1, 203, 300, 20], // K and M cross the kc = 256 and mc = 96 (or 100) blocks
          [1, 3, 5, 2100], // N crosses the nc = 2048 block
          [4, 9, 17, 1],
        ];
        for (let t = 0; t < 40; t++) shapes.push([pick([1, 2, 3]), pick(SIZES), pick(SIZES), pick(SIZES)]);
        for (const [B, M, K, N] of shapes) {
          const { a, b, label } = gemmCase(B, M, K, N, Float32Array);
          const got = new Float32Array(B * M * N).fill(NaN);
          const want = new Float32Array(B * M * N);
          wasm.matmul(a, b, got);
          js.matmul(a, b, want);
          checkGemm(a, b, got, want, F32_EPS, label);
        }
      } finally {
        allowRelaxed(true);
      }
    });
  }

  test('every generated tile shape is correct (edges in both directions)', () => {
    const shapes: [number, number, 'load' | 'shuffle'][] = [
      [4, 8, 'load'],
      [5, 8, 'shuffle'],
      [6, 8, 'load'],
      [8, 8, 'shuffle'],
      [3, 12, 'load'],
      [2, 16, 'load'],
      [1, 4, 'load'],
    ];
    for (const [mr, nr, broadcast] of shapes) {
      for (const relaxed of [false, useRelaxed()]) {
        const k = gemmKernel({ dtype: 'float32', mr, nr, relaxed, broadcast });
        const { a, b, label } = gemmCase(2, 13, 19, 21, Float32Array);
        const got = new Float32Array(2 * 13 * 21);
        const want = new Float32Array(2 * 13 * 21);
        gemm(k, a, b, got);
        js.matmul(a, b, want);
        checkGemm(a, b, got, want, F32_EPS, `${mr}x${nr} ${broadcast} ${label}`);
      }
    }
  });

  test('negative strides (a flipped operand) are packed by JavaScript', () => {
    const a = view([1, 6, 7]);
    const flipped: View = {
      ...a,
      strides: [a.strides[0], -a.strides[1], a.strides[2]],
      offset: a.offset + 5 * a.strides[1],
    };
    const b = view([1, 7, 9]);
    const got = new Float32Array(54);
    const want = new Float32Array(54);
    wasm.matmul(flipped, b, got);
    js.matmul(flipped, b, want);
    checkGemm(flipped, b, got, want, F32_EPS, 'flipped rows');
  });

  test('a weight broadcast over the batch (stride 0) folds into one tall product', () => {
    const a = view([5, 7, 6], Float32Array, { permute: false });
    const b = view([5, 6, 9], Float32Array, { bcast: [0] });
    const got = new Float32Array(5 * 7 * 9);
    const want = new Float32Array(5 * 7 * 9);
    wasm.matmul(a, b, got);
    js.matmul(a, b, want);
    checkGemm(a, b, got, want, F32_EPS, 'folded batch');
  });

  test('float64 matches js to float64 rounding', () => {
    for (let t = 0; t < 20; t++) {
      const { a, b, label } = gemmCase(pick([1, 2]), pick(SIZES), pick(SIZES), pick(SIZES), Float64Array);
      const [B, M] = a.shape;
      const N = b.shape[2];
      const got = new Float64Array(B * M * N);
      const want = new Float64Array(B * M * N);
      wasm.matmul(a, b, got);
      js.matmul(a, b, want);
      checkGemm(a, b, got, want, 2 ** -52, label);
    }
  });

  test('int32 reuses the js kernel exactly', () => {
    const a = view([2, 5, 7], Int32Array);
    const b = view([2, 7, 3], Int32Array);
    const got = new Int32Array(30);
    const want = new Int32Array(30);
    wasm.matmul(a, b, got);
    js.matmul(a, b, want);
    assert.deepEqual(got, want);
  });
});

// Shapes for elementwise and reductions: 0-d, size 0, 1, odd, and past the 16384-element chunk.
const EW_SHAPES: number[][] = [
  [],
  [0],
  [1],
  [7],
  [3, 5],
  [2, 0, 3],
  [4, 1, 9],
  [17, 33],
  [3, 65, 127],
  [40000],
  [2, 150, 70],
];

describe('wasm elementwise', () => {
  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    test(`${op} float32 gives the js kernel's bits (contiguous, transposed, broadcast, offset)`, () => {
      for (const shape of EW_SHAPES) {
        for (let t = 0; t < 3; t++) {
          const bcast = shape.length && t === 2 ? [0] : [];
          const a = view(shape, Float32Array, { permute: t > 0 });
          const b = view(shape, Float32Array, { bcast });
          if (a.data.length > 3) {
            a.data[a.data.length - 1] = NaN;
            a.data[a.data.length - 2] = Infinity;
            b.data[b.data.length - 3] = 0;
          }
          const n = shape.reduce((p, x) => p * x, 1);
          const got = new Float32Array(n);
          const want = new Float32Array(n);
          wasm[op](a, b, got);
          js[op](a, b, want);
          assert.deepEqual(got, want, `${op} ${JSON.stringify(shape)} strides ${a.strides} / ${b.strides}`);
        }
      }
    });
  }

  test('float64 and int32 operands reuse the js kernels', () => {
    const a = view([5, 6], Float64Array);
    const b = view([5, 6], Float64Array);
    const got = new Float64Array(30);
    const want = new Float64Array(30);
    wasm.mul(a, b, got);
    js.mul(a, b, want);
    assert.deepEqual(got, want);
    const ai = view([5, 6], Int32Array);
    const bi = view([5, 6], Int32Array);
    const goti = new Int32Array(30);
    const wanti = new Int32Array(30);
    wasm.mul(ai, bi, goti);
    js.mul(ai, bi, wanti);
    assert.deepEqual(goti, wanti);
  });

  test('exp float32 is within 2 ulp of Math.exp from -110 to 90, specials exact', () => {
    // A dense grid over the whole range: overflow, normal, subnormal and zero results.
    const xs: number[] = [NaN, Infinity, -Infinity, 0, -0, 88.72, 88.7228, 88.73, -87.33, -103.97, -104, 1e-30, -1e-30];
    for (let x = -110; x < 90; x += 0.00731) xs.push(x);
    const data = new Float32Array(xs);
    const got = new Float32Array(data.length);
    wasm.exp({ data, shape: [data.length], strides: [1], offset: 0 }, got);
    const bits = new Int32Array(2);
    const pair = new Float32Array(bits.buffer);
    let worst = 0;
    for (let i = 0; i < data.length; i++) {
      const want = Math.fround(Math.exp(data[i]));
      if (Number.isNaN(want) || !Number.isFinite(want) || want === 0) {
        assert.ok(Object.is(got[i], want), `exp(${data[i]}) = ${got[i]}, want ${want}`);
        continue;
      }
      pair[0] = got[i];
      pair[1] = want;
      worst = Math.max(worst, Math.abs(bits[0] - bits[1]));
    }
    assert.ok(worst <= 2, `worst error ${worst} ulp`);
  });

  test("relu float32 gives the js kernel's bits (-0 to +0, NaN kept), any layout", () => {
    for (const shape of EW_SHAPES) {
      for (let t = 0; t < 2; t++) {
        const x = view(shape, Float32Array, { permute: t > 0, bcast: t === 1 && shape.length > 1 ? [0] : [] });
        const specials = [NaN, -0, 0, Infinity, -Infinity, -1e-45, 1e-45];
        for (let i = 0; i < Math.min(x.data.length, specials.length); i++) x.data[i] = specials[i];
        const n = shape.reduce((p, s) => p * s, 1);
        const got = new Float32Array(n).fill(7);
        const want = new Float32Array(n);
        wasm.relu(x, got);
        js.relu(x, want);
        for (let i = 0; i < n; i++) assert.ok(Object.is(got[i], want[i]), `relu at ${i}: ${got[i]} vs ${want[i]}`);
      }
    }
  });

  test('exp reads strided and broadcast views', () => {
    for (const shape of EW_SHAPES) {
      const x = view(shape, Float32Array, { bcast: shape.length > 1 ? [1] : [] });
      const n = shape.reduce((p, s) => p * s, 1);
      const got = new Float32Array(n);
      const want = new Float32Array(n);
      wasm.exp(x, got);
      js.exp(x, want);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] - want[i]) <= 2 * F32_EPS * want[i], `exp at ${i}`);
    }
  });
});

describe('wasm sum', () => {
  test('float32 matches js over every subset of dims, any layout', () => {
    const shapes = [
      [],
      [0],
      [1],
      [7],
      [3, 5],
      [2, 0, 3],
      [4, 1, 9],
      [17, 33],
      [3, 9, 13],
      [5, 4, 3, 2],
      [40000],
      [2, 150, 70],
    ];
    for (const shape of shapes) {
      const nd = shape.length;
      const big = shape.reduce((p, s) => p * s, 1) > 5000;
      for (let mask = 0; mask < 1 << nd; mask++) {
        const dims = Array.from({ length: nd }, (_, i) => i).filter((i) => mask & (1 << i));
        for (let t = big ? 1 : 0; t < 3; t++) {
          const x = view(shape, Float32Array, { permute: t > 0, bcast: t === 2 && nd > 1 ? [nd - 1] : [] });
          const outShape = shape.map((s, i) => (dims.includes(i) ? 1 : s));
          const n = outShape.reduce((p, s) => p * s, 1);
          const got = new Float32Array(n).fill(NaN);
          const want = new Float32Array(n);
          wasm.sum(x, dims, got);
          js.sum(x, dims, want);
          for (let i = 0; i < n; i++) {
            // Both sum in float64, in different orders; the float32 results agree to an ulp.
            const tol = F32_EPS * Math.abs(want[i]) + 1e-9;
            assert.ok(
              Math.abs(got[i] - want[i]) <= tol,
              `sum ${JSON.stringify(shape)} dims ${dims}: ${got[i]} vs ${want[i]}`,
            );
          }
        }
      }
    }
  });
});

describe('the op layer on the wasm backend', () => {
  test('matmul, broadcasting and a small backward match the js backend', async () => {
    const info = await initWasm();
    assert.equal(info.simd, true);
    nb.registerBackend(wasmBackend());
    const run = () => {
      nb.manualSeed(7);
      const x = nb.randn([8, 5, 12]);
      const w = nb.randn([12, 9], { requiresGrad: true });
      const bias = nb.randn([9], { requiresGrad: true });
      const h = x.matmul(w).add(bias).relu().add(x.matmul(w).exp().mul(0.1));
      const y = h
        .matmul(nb.randn([9, 3]))
        .div(3)
        .sub(1);
      y.sum().backward();
      return { y: y.tolist(), gw: w.grad!.tolist(), gb: bias.grad!.tolist() };
    };
    nb.setBackend('js');
    const ref = run();
    nb.setBackend('wasm');
    let got: ReturnType<typeof run>;
    try {
      assert.equal(nb.getBackend(), 'wasm');
      got = run();
    } finally {
      nb.setBackend('js');
    }
    const close = (p: unknown, q: unknown, path: string): void => {
      if (Array.isArray(p)) p.forEach((v, i) => close(v, (q as unknown[])[i], `${path}[${i}]`));
      else
        assert.ok(
          Math.abs((p as number) - (q as number)) <= 1e-4 * (1 + Math.abs(q as number)),
          `${path}: ${p} vs ${q}`,
        );
    };
    close(got.y, ref.y, 'y');
    close(got.gw, ref.gw, 'w.grad');
    close(got.gb, ref.gb, 'bias.grad');
  });
});
