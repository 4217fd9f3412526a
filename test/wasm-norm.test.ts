// The fused softmax / logSoftmax / layerNorm primitives and the float32 wasm kernels added with
// them (norm.ts, unary.ts) against the js reference kernels: random shapes with odd sizes and
// rows longer than a scratch chunk, permuted, offset and broadcast views, every dim position,
// special values, and the stated ulp bounds on dense grids; then the primitives' gradients
// (float64 gradcheck and gradgradcheck) and the op layer on the wasm backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { nn } from '../src/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import type { View } from '../src/backend/types.js';
import { hasSimd, wasmBackend } from '../src/backend/wasm/index.js';
import type { TypedArray } from '../src/tensor/dtype.js';

const js = jsBackend.kernels;
const wasm = wasmBackend().kernels;
const F = nn.functional;

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
const prod = (s: readonly number[]) => s.reduce((p, n) => p * n, 1);

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/** A view of `shape` over random storage in a random dim order, dims in `bcast` of stride 0, offset. */
function view(shape: readonly number[], opts: { ctor?: Ctor; bcast?: number[]; scale?: number } = {}): View {
  const ctor = opts.ctor ?? Float32Array;
  const order = shape.map((_, i) => i).sort(() => rand() - 0.5);
  const strides = shape.map(() => 0);
  let s = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    const d = order[j];
    if (opts.bcast?.includes(d)) continue;
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  const offset = Math.floor(rand() * 5);
  const data = new ctor(offset + s);
  const scale = opts.scale ?? 10;
  for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * scale;
  return { data, shape, strides, offset };
}

/** The elements of a view in row-major order. */
function values(v: View): number[] {
  const out: number[] = [];
  for (let i = 0; i < prod(v.shape); i++) {
    let p = v.offset;
    for (let d = v.shape.length - 1, q = i; d >= 0; d--) {
      p += (q % v.shape[d]) * v.strides[d];
      q = Math.floor(q / v.shape[d]);
    }
    out.push(v.data[p]);
  }
  return out;
}

const contiguous = (data: TypedArray, shape: readonly number[]): View => {
  const strides: number[] = [];
  for (let i = shape.length - 1, s = 1; i >= 0; i--) [strides[i], s] = [s, s * shape[i]];
  return { data, shape, strides, offset: 0 };
};

// Distance in float32 steps (ulps) between two float32 values; NaN matches only NaN.
const bits = new Int32Array(1);
const fbits = new Float32Array(bits.buffer);
function key(v: number): number {
  fbits[0] = v;
  return bits[0] < 0 ? -(bits[0] & 0x7fffffff) : bits[0];
}
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return a === b ? 0 : Math.abs(key(a) - key(b));
}
const U = 2 ** -24; // half an ulp of 1: the unit roundoff of float32

describe('wasm softmax and logSoftmax (float32) against the js kernel', { skip: !hasSimd() }, () => {
  // exp(x - m) sees x - m rounded to float32, an error of |x - m| U that exp turns relative; the
  // rest (exp's ulp, the sum, the division) stays within 8 U. So with R the largest |x - m| of
  // the row (|logSoftmax| bounds it), softmax is within (R + 8) U relative, and logSoftmax within
  // 4 ulps plus the error of log(s) = log1p(sum of the other terms): under 1.5 (R + 8) U log(s).
  function check(x: View, dim: number, label: string): void {
    const n = prod(x.shape);
    const run = (k: typeof js, log: boolean) => {
      const out = new Float32Array(n);
      k.softmax(x, dim, log, out);
      return out;
    };
    const [want, got, wantLog, gotLog] = [run(js, false), run(wasm, false), run(js, true), run(wasm, true)];
    const len = x.shape.length ? x.shape[dim] : 1;
    const inner = prod(x.shape.slice(dim + 1));
    const rowOf = (i: number) => Math.floor(i / (len * inner)) * inner + (i % inner);
    const [big, small] = [
      new Float64Array(n / Math.max(len, 1)),
      new Float64Array(n / Math.max(len, 1)).fill(Infinity),
    ];
    for (let i = 0; i < n; i++) {
      const v = -wantLog[i];
      if (Number.isFinite(v))
        [big[rowOf(i)], small[rowOf(i)]] = [Math.max(big[rowOf(i)], v), Math.min(small[rowOf(i)], v)];
    }
    for (let i = 0; i < n; i++) {
      const [r, ls] = [big[rowOf(i)], small[rowOf(i)]];
      const tol = want[i] * (r + 8) * U;
      if (!(ulps(want[i], got[i]) === 0 || Math.abs(want[i] - got[i]) <= tol)) {
        assert.fail(`${label} softmax[${i}]: wasm ${got[i]}, js ${want[i]}`);
      }
      const logTol = 4 * U * 2 * Math.abs(wantLog[i]) + 1.5 * (r + 8) * U * ls;
      if (!(ulps(wantLog[i], gotLog[i]) <= 4 || Math.abs(wantLog[i] - gotLog[i]) <= logTol)) {
        assert.fail(`${label} logSoftmax[${i}]: wasm ${gotLog[i]}, js ${wantLog[i]}`);
      }
    }
  }

  test('random shapes, every dim, permuted, offset and broadcast views', () => {
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 128, 130];
    for (let c = 0; c < 150; c++) {
      const nd = pick([1, 2, 2, 3, 3, 4]);
      const shape = Array.from({ length: nd }, () => pick(sizes.slice(0, nd > 2 ? 9 : sizes.length)));
      const bcast = rand() < 0.2 ? [Math.floor(rand() * nd)] : [];
      const x = view(shape, { bcast });
      for (let dim = 0; dim < nd; dim++) check(x, dim, `${JSON.stringify(shape)} dim ${dim} strides ${x.strides}`);
    }
  });

  test('0-d, rows longer than a chunk, many rows across chunks', () => {
    check(view([]), 0, '0-d');
    check(view([2, 20001]), 1, '[2, 20001]');
    check(view([20001, 2]), 0, '[20001, 2] dim 0');
    check(view([3001, 7]), 1, '[3001, 7]');
    check(view([4096, 128]), 1, '[4096, 128]');
  });

  test('infinities and NaN as the js kernel (and PyTorch): NaN rows, zero weight for -inf', () => {
    const rows = [
      [0, -Infinity, 1, 2, -Infinity],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [1, Infinity, 2, 3, 4],
      [1, 2, NaN, 3, 4],
      [1e30, -1e30, 0, 3e38, -3e38],
    ];
    check(contiguous(new Float32Array(rows.flat()), [5, 5]), 1, 'special rows');
    const out = new Float32Array(5);
    wasm.softmax(contiguous(new Float32Array(rows[0]), [5]), 0, false, out);
    assert.equal(out[1], 0);
    assert.equal(out[4], 0);
  });

  test('other dtypes run the js kernel', () => {
    const x = view([3, 5], { ctor: Float64Array });
    const [want, got] = [new Float64Array(15), new Float64Array(15)];
    js.softmax(x, 1, true, want);
    wasm.softmax(x, 1, true, got);
    assert.deepEqual(got, want);
  });
});

describe('wasm layerNorm (float32) against the js kernel', { skip: !hasSimd() }, () => {
  // Mean and rstd come from float64 sums, like the js kernel: a few float32 roundings apart.
  // y = (x - mean) rstd w + b takes four float32 roundings, and x - mean rounds with x's size.
  function check(x: View, k: number, w: View | null, b: View | null, label: string): void {
    const ns = x.shape.slice(x.shape.length - k);
    const rows = prod(x.shape) / Math.max(prod(ns), 1);
    const out = () => [new Float32Array(prod(x.shape)), new Float32Array(rows), new Float32Array(rows)] as const;
    const [y0, m0, r0] = out();
    const [y1, m1, r1] = out();
    js.layerNorm(x, k, w, b, 1e-5, y0, m0, r0);
    wasm.layerNorm(x, k, w, b, 1e-5, y1, m1, r1);
    const xs = values(x);
    const [ws, bs] = [w ? values(w) : null, b ? values(b) : null];
    const n = prod(ns);
    for (let r = 0; r < rows; r++) {
      assert.ok(
        ulps(m0[r], m1[r]) <= 1 || Math.abs(m0[r] - m1[r]) <= 1e-6,
        `${label}: mean[${r}] ${m1[r]} vs ${m0[r]}`,
      );
      assert.ok(ulps(r0[r], r1[r]) <= 2, `${label}: rstd[${r}] ${r1[r]} vs ${r0[r]}`);
    }
    for (let i = 0; i < y0.length; i++) {
      const r = Math.floor(i / n);
      const wi = ws ? Math.abs(ws[i % n]) : 1;
      const bi = bs ? Math.abs(bs[i % n]) : 0;
      const tol = 8 * U * ((Math.abs(xs[i]) + Math.abs(m0[r])) * r0[r] * wi + bi) + 1e-30;
      if (!(Math.abs(y0[i] - y1[i]) <= tol)) assert.fail(`${label}: y[${i}] wasm ${y1[i]}, js ${y0[i]}, tol ${tol}`);
    }
  }

  test('random shapes, every k, affine or not, non-contiguous x and parameters', () => {
    const sizes = [1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 64, 130];
    for (let c = 0; c < 150; c++) {
      const nd = pick([1, 2, 2, 3, 3, 4]);
      const shape = Array.from({ length: nd }, () => pick(sizes.slice(0, nd > 2 ? 10 : sizes.length)));
      const k = 1 + Math.floor(rand() * nd);
      const ns = shape.slice(nd - k);
      const x = view(shape, { bcast: rand() < 0.15 ? [0] : [], scale: pick([1, 10, 1000]) });
      // An offset of 100 checks the two-pass variance (no cancellation in sum(x^2) - mean^2).
      if (rand() < 0.3) for (let i = 0; i < x.data.length; i++) x.data[i] += 100;
      const w = rand() < 0.6 ? view(ns, { scale: 2 }) : null;
      const b = rand() < 0.6 ? view(ns, { scale: 2 }) : null;
      check(x, k, w, b, `${JSON.stringify(shape)} k ${k} strides ${x.strides}`);
    }
  });

  test('rows longer than a chunk, many rows, a zero-size row', () => {
    check(view([2, 17000]), 1, null, null, '[2, 17000]');
    check(view([3000, 9]), 1, view([9]), view([9]), '[3000, 9]');
    check(view([1024, 128]), 1, view([128]), view([128]), '[1024, 128]');
    const [y, m, r] = [new Float32Array(0), new Float32Array(3), new Float32Array(3)];
    wasm.layerNorm(view([3, 0]), 1, null, null, 1e-5, y, m, r);
    assert.ok(Number.isNaN(m[0]) && Number.isNaN(r[2]));
  });

  test('constant rows give rstd = 1 / sqrt(eps) and y = bias', () => {
    const x = contiguous(new Float32Array(12).fill(3), [2, 6]);
    const [y, m, r] = [new Float32Array(12), new Float32Array(2), new Float32Array(2)];
    wasm.layerNorm(x, 1, null, contiguous(new Float32Array(6).fill(0.5), [6]), 1e-5, y, m, r);
    assert.equal(m[0], 3);
    assert.equal(r[1], Math.fround(1 / Math.sqrt(1e-5)));
    assert.ok(y.every((v) => v === 0.5));
  });
});

describe('wasm float32 elementwise kernels (unary.ts) against the js kernels', { skip: !hasSimd() }, () => {
  // The bounds stated in unary-codegen.ts, in ulps of the js kernel's float32 result.
  const bounds: Record<string, number> = {
    neg: 0,
    abs: 0,
    sqrt: 0,
    square: 0,
    reciprocal: 0,
    rsqrt: 1,
    log: 1,
    tanh: 2,
    sigmoid: 2,
  };
  const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40, 1.1754942e-38, 1.1754944e-38, 1, -1, 3.4e38];
  const grid = (lo: number, hi: number, n: number) =>
    Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / n);

  for (const [name, bound] of Object.entries(bounds)) {
    test(`${name}: within ${bound} ulp on dense grids and special values`, () => {
      const ranges = [
        [-10, 10],
        [-0.02, 0.02],
        [-120, 120],
        [0, 2e-37],
        [0.5, 2],
        [1e-3, 1e6],
      ];
      for (const x of [...ranges.map(([lo, hi]) => grid(lo, hi, 1 << 17)), Float32Array.from(SPECIAL)]) {
        const [want, got] = [new Float32Array(x.length), new Float32Array(x.length)];
        const k = name as 'neg';
        js[k](contiguous(x, [x.length]), want);
        wasm[k](contiguous(x, [x.length]), got);
        for (let i = 0; i < x.length; i++) {
          if (!(ulps(want[i], got[i]) <= bound)) assert.fail(`${name}(${x[i]}): wasm ${got[i]}, js ${want[i]}`);
        }
      }
    });
  }

  test('maximum, minimum and comparisons: exact, NaN as the js kernels', () => {
    const vals = [0, -0, 1, -1, 2.5, NaN, Infinity, -Infinity, 1e-40, 3];
    for (const n of [1, 7, 16, 17, 100, 16385, 40001]) {
      const [a, b] = [view([n], { scale: 3 }), view([n], { scale: 3 })];
      for (const v of [a, b]) for (let i = 0; i < v.data.length; i++) if (rand() < 0.5) v.data[i] = pick(vals);
      for (const name of ['maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
        const make = () => (name.startsWith('m') ? new Float32Array(n) : new Uint8Array(n));
        const [want, got] = [make(), make()];
        js[name](a, b, want);
        wasm[name](a, b, got);
        // == also lets maximum(-0, +0) be either zero (the js kernel returns its second operand).
        for (let i = 0; i < n; i++) {
          if (!(want[i] === got[i] || (Number.isNaN(want[i]) && Number.isNaN(got[i])))) {
            assert.fail(`${name}[${i}] of ${n}: wasm ${got[i]}, js ${want[i]}`);
          }
        }
      }
    }
  });

  test('non-contiguous, broadcast and long operands; other dtypes fall back', () => {
    for (let c = 0; c < 40; c++) {
      const shape = [pick([1, 3, 17, 130]), pick([1, 5, 33, 200])];
      const x = view(shape, { bcast: rand() < 0.3 ? [Math.floor(rand() * 2)] : [] });
      const y = view(shape, { bcast: rand() < 0.3 ? [1] : [] });
      const n = prod(shape);
      for (const name of ['tanh', 'sqrt', 'neg'] as const) {
        const [want, got] = [new Float32Array(n), new Float32Array(n)];
        js[name](x, want);
        wasm[name](x, got);
        for (let i = 0; i < n; i++) assert.ok(ulps(want[i], got[i]) <= bounds[name], `${name} ${shape}`);
      }
      const [want, got] = [new Uint8Array(n), new Uint8Array(n)];
      js.lt(x, y, want);
      wasm.lt(x, y, got);
      assert.deepEqual(got, want);
    }
    const long = view([70000], { scale: 5 });
    const [want, got] = [new Float32Array(70000), new Float32Array(70000)];
    js.sigmoid(long, want);
    wasm.sigmoid(long, got);
    for (let i = 0; i < want.length; i++) assert.ok(ulps(want[i], got[i]) <= 2);
    const i32 = view([9], { ctor: Int32Array });
    const [wi, gi] = [new Int32Array(9), new Int32Array(9)];
    js.neg(i32, wi);
    wasm.neg(i32, gi);
    assert.deepEqual(gi, wi);
  });
});

// layerNorm as the composite it replaced: the biased variance, eps inside the square root.
function layerNormRef(x: nb.Tensor, k: number, w: nb.Tensor | null, b: nb.Tensor | null, eps = 1e-5): nb.Tensor {
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const mu = x.mean(dims, { keepdim: true });
  const v = x.sub(mu).square().mean(dims, { keepdim: true });
  let y = x.sub(mu).div(v.add(eps).sqrt());
  if (w) y = y.mul(w);
  if (b) y = y.add(b);
  return y;
}

describe('softmax, logSoftmax and layerNorm primitives', () => {
  const f64 = (shape: number[], seed: number) => {
    nb.manualSeed(seed);
    return nb.randn(shape, { dtype: 'float64' });
  };

  test('layerNorm: gradcheck and gradgradcheck (float64), with and without affine, k = 1 and 2', () => {
    for (const [shape, k, affine] of [
      [[3, 4], 1, true],
      [[2, 3, 4], 2, true],
      [[2, 5], 1, false],
    ] as const) {
      const ns = shape.slice(shape.length - k);
      const x = f64([...shape], 1).requiresGrad_();
      const w = f64([...ns], 2).requiresGrad_();
      const b = f64([...ns], 3).requiresGrad_();
      const fn = affine
        ? (a: nb.Tensor, c: nb.Tensor, d: nb.Tensor) => F.layerNorm(a, ns, { weight: c, bias: d })
        : (a: nb.Tensor) => F.layerNorm(a, ns);
      const inputs = affine ? [x, w, b] : [x];
      const want = layerNormRef(x, k, affine ? w : null, affine ? b : null);
      assert.ok(Number(fn(x, w, b).sub(want).abs().max().item()) < 1e-12, `${shape} forward`);
      assert.equal(nb.gradcheck(fn, inputs), true);
      assert.equal(nb.gradgradcheck(fn, inputs), true);
    }
  });

  test('layerNorm: non-contiguous input, weight only, bias only, mixed dtypes', () => {
    const x = f64([4, 6], 4).t().requiresGrad_();
    const w = f64([4], 5).requiresGrad_();
    assert.equal(
      nb.gradcheck((a: nb.Tensor, c: nb.Tensor) => F.layerNorm(a, [4], { weight: c }), [x, w]),
      true,
    );
    const b = f64([4], 6);
    const got = F.layerNorm(x, 4, { bias: b, eps: 1e-3 });
    const want = layerNormRef(x, 1, null, b, 1e-3);
    assert.ok(Number(got.sub(want).abs().max().item()) < 1e-12);
    const y32 = F.layerNorm(x.to('float32'), [4], { weight: w.detach() });
    assert.equal(y32.dtype, 'float64'); // promoted by the float64 weight, as the composite did
  });

  test('softmax and logSoftmax: gradgradcheck along a middle dim; softmin from nn.functional', () => {
    const x = f64([2, 3, 4], 7).requiresGrad_();
    assert.equal(
      nb.gradgradcheck((a: nb.Tensor) => nb.softmax(a, 1), [x]),
      true,
    );
    assert.equal(
      nb.gradgradcheck((a: nb.Tensor) => nb.logSoftmax(a, 1), [x]),
      true,
    );
    const y = F.softmin(x, 2);
    assert.ok(y.sub(nb.softmax(x.neg(), 2)).abs().max().item() === 0);
  });

  test('errors keep their messages', () => {
    assert.throws(() => nb.softmax(nb.tensor([1, 2], { dtype: 'int32' }), 0), /softmax: expected a floating point/);
    assert.throws(() => nb.logSoftmax(nb.tensor([1, 2]), 2), /logSoftmax: expected dim in range/);
    assert.throws(() => F.layerNorm(nb.zeros([2, 3]), [4]), /layerNorm: expected input with shape \[\*, 4\]/);
    assert.throws(
      () => F.layerNorm(nb.zeros([2, 3]), [3], { weight: nb.ones([2]) }),
      /layerNorm: expected weight of shape \[3\], got \[2\]/,
    );
  });

  test('on the wasm backend: forward and gradients match the js backend (float32)', { skip: !hasSimd() }, () => {
    const run = () => {
      nb.manualSeed(11);
      const x = nb.randn([6, 10, 33], { requiresGrad: true });
      const w = nb.randn([33], { requiresGrad: true });
      const b = nb.randn([33], { requiresGrad: true });
      const h = F.layerNorm(x, [33], { weight: w, bias: b });
      const s = nb.softmax(h.mul(3), -1).add(nb.logSoftmax(h.transpose(0, 2), 1).transpose(0, 2).mul(0.1));
      const t = F.softmin(h, 0).add(h.tanh()).add(h.sigmoid()).add(h.abs().add(1).log());
      s.mul(nb.randn(s.shape)).add(t).sum().backward();
      return [s, t, x.grad!, w.grad!, b.grad!].map((v) => v.data());
    };
    nb.setBackend('js');
    const ref = run();
    nb.setBackend('wasm');
    let got: TypedArray[];
    try {
      got = run();
    } finally {
      nb.setBackend('js');
    }
    ref.forEach((r, j) =>
      r.forEach((v, i) =>
        assert.ok(Math.abs(got[j][i] - v) <= 2e-4 * (1 + Math.abs(v)), `${j}[${i}]: ${got[j][i]} vs ${v}`),
      ),
    );
  });
});
