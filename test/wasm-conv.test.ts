// The wasm convolution and pooling kernels against the js reference kernels and a direct
// formula: random 1-D/2-D/3-D geometries (odd sizes, padding, stride, dilation, tiles of output
// rows), non-contiguous input views, float32, float64 and int32, ties and NaN for max pooling;
// then the ops (conv, pooling, unfold/fold) running on the wasm backend against the js backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import type { PatchGeometry, PoolTaps, View } from '../src/backend/types.js';
import { col2im, im2col } from '../src/backend/wasm/conv.js';
import { convTuning, gather, maxPoolIndices, scatter } from '../src/backend/wasm/maxpool.js';
import type { TypedArray } from '../src/tensor/dtype.js';

const js = jsBackend.kernels;

// mulberry32, so failures reproduce.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(2024);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const prod = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/** A view of `shape` over fresh storage in a random dim order with a random offset (and gaps). */
function view(shape: readonly number[], ctor: Ctor, fill: () => number): View {
  const nd = shape.length;
  const order = Array.from({ length: nd }, (_, i) => i).sort(() => rand() - 0.5);
  const spread = rand() < 0.3 ? 2 : 1;
  const strides = new Array<number>(nd).fill(0);
  let s = spread;
  for (let j = nd - 1; j >= 0; j--) {
    strides[order[j]] = s;
    s *= Math.max(shape[order[j]], 1);
  }
  const offset = int(0, 4);
  const data = new ctor(offset + s);
  for (let i = 0; i < data.length; i++) data[i] = fill();
  return { data, shape, strides, offset };
}

/** The value of `v` at a multi-index. */
const at = (v: View, idx: readonly number[]): number => v.data[idx.reduce((p, i, d) => p + i * v.strides[d], v.offset)];

/** A random geometry over `spatial` input sizes, with a random tile of output rows. */
function geometry(spatial: readonly number[]): PatchGeometry {
  const kernel: number[] = [];
  const stride: number[] = [];
  const padding: number[] = [];
  const dilation: number[] = [];
  const outSize: number[] = [];
  for (const n of spatial) {
    const d = int(1, 2);
    const k = int(1, Math.min(4, Math.floor((n + 2) / d) + 1));
    const p = int(0, 2);
    const after = int(0, 2);
    const span = d * (k - 1) + 1;
    const s = int(1, 3);
    kernel.push(k);
    stride.push(s);
    padding.push(p);
    dilation.push(d);
    outSize.push(Math.max(1, Math.floor((n + p + after - span) / s) + 1));
  }
  const first = rand() < 0.5 ? 0 : int(0, outSize[0] - 1);
  const count = first === 0 && rand() < 0.5 ? outSize[0] : int(1, outSize[0] - first);
  return { kernel, stride, padding, dilation, outSize, first, count };
}

/** Every (block, tap) as its input position, or null in the padding: the definition of im2col. */
function naiveIm2col(x: View, g: PatchGeometry): number[] {
  const [N, C] = x.shape;
  const spatial = x.shape.slice(2);
  const nd = spatial.length;
  const rest = g.outSize.slice(1);
  const blocks = [g.count, ...rest];
  const out: number[] = [];
  const K = prod(g.kernel);
  for (let c = 0; c < C; c++) {
    for (let kk = 0; kk < K; kk++) {
      const tap = unravel(kk, g.kernel);
      for (let n = 0; n < N; n++) {
        for (let l = 0; l < prod(blocks); l++) {
          const o = unravel(l, blocks);
          o[0] += g.first;
          const pos = o.map((v, d) => v * g.stride[d] - g.padding[d] + tap[d] * g.dilation[d]);
          const inside = pos.every((p, d) => p >= 0 && p < spatial[d]);
          out.push(inside && nd > 0 ? at(x, [n, c, ...pos]) : 0);
        }
      }
    }
  }
  return out;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return out;
}

/** The adjoint, adding in (tap, batch, block) order as the js kernel does. */
function naiveCol2im(cols: View, g: PatchGeometry, shape: readonly number[], out: TypedArray): void {
  const [N, C] = shape;
  const spatial = shape.slice(2);
  const blocks = [g.count, ...g.outSize.slice(1)];
  const K = prod(g.kernel);
  const plane = prod(spatial);
  for (let r = 0; r < C * K; r++) {
    const c = Math.floor(r / K);
    const tap = unravel(r % K, g.kernel);
    for (let n = 0; n < N; n++) {
      for (let l = 0; l < prod(blocks); l++) {
        const o = unravel(l, blocks);
        o[0] += g.first;
        const pos = o.map((v, d) => v * g.stride[d] - g.padding[d] + tap[d] * g.dilation[d]);
        if (!pos.every((p, d) => p >= 0 && p < spatial[d])) continue;
        const flat = pos.reduce((p, v, d) => p * spatial[d] + v, 0);
        out[(n * C + c) * plane + flat] += at(cols, [r, n, l]);
      }
    }
  }
}

const CTORS: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];

// The js kernels ignore a tile's `first` when the tiled dim is the last one (1-D); those cases
// are checked against the direct formula only.
const jsHandles = (nd: number, g: PatchGeometry) => nd > 1 || g.first === 0;

describe('wasm im2col and col2im', () => {
  for (const nd of [1, 2, 3]) {
    for (const [name, ctor] of [...CTORS, ['int32', Int32Array] as [string, Ctor]]) {
      test(`im2col ${nd}-D ${name}: the same values as the definition and the js kernel`, () => {
        for (let t = 0; t < (nd === 3 ? 25 : 60); t++) {
          const spatial = Array.from({ length: nd }, () => int(1, nd === 3 ? 6 : 11));
          const shape = [int(1, 3), int(1, 4), ...spatial];
          const g = geometry(spatial);
          const x = view(shape, ctor, () => (ctor === Int32Array ? int(-9, 9) : rand() * 4 - 2));
          const n = shape[1] * prod(g.kernel) * shape[0] * g.count * prod(g.outSize.slice(1));
          const got = new ctor(n).fill(7);
          im2col(x, g, got);
          const label = `x ${JSON.stringify(shape)} strides ${x.strides} g ${JSON.stringify(g)}`;
          assert.deepEqual(Array.from(got), naiveIm2col(x, g), label);
          if (jsHandles(nd, g)) {
            const want = new ctor(n);
            js.im2col(x, g, want);
            assert.deepEqual(got, want, label);
          }
        }
      });
    }

    for (const [name, ctor] of CTORS) {
      test(`col2im ${nd}-D ${name}: bit-identical sums onto a base, strided columns`, () => {
        for (let t = 0; t < (nd === 3 ? 25 : 60); t++) {
          const spatial = Array.from({ length: nd }, () => int(1, nd === 3 ? 6 : 11));
          const shape = [int(1, 3), int(1, 4), ...spatial];
          const g = geometry(spatial);
          const colShape = [shape[1] * prod(g.kernel), shape[0], g.count * prod(g.outSize.slice(1))];
          const cols = view(colShape, ctor, () => rand() * 4 - 2);
          const base = Array.from({ length: prod(shape) }, () => rand() - 0.5);
          const got = ctor.from(base);
          const want = ctor.from(base);
          col2im(cols, g, shape, got);
          naiveCol2im(cols, g, shape, want);
          const label = `shape ${JSON.stringify(shape)} strides ${cols.strides} g ${JSON.stringify(g)}`;
          assert.deepEqual(got, want, label);
          if (jsHandles(nd, g)) {
            const viaJs = ctor.from(base);
            js.col2im(cols, g, shape, viaJs);
            assert.deepEqual(got, viaJs, label);
          }
        }
      });
    }
  }

  test('stride-1 "same" convolutions take the span path, incl. wide padding and dilation', () => {
    // Output rows as long as the input rows: the whole-span copy with edge fix-ups.
    for (const [k, p, d] of [
      [3, 1, 1],
      [5, 2, 1],
      [3, 2, 2],
      [1, 0, 1],
      [4, 2, 1], // padding after is 1, before 2
    ]) {
      for (const [name, ctor] of CTORS) {
        const shape = [2, 3, 7, 9];
        const x = view(shape, ctor, () => rand() * 4 - 2);
        const g: PatchGeometry = {
          kernel: [k, k],
          stride: [1, 1],
          padding: [p, p],
          dilation: [d, d],
          outSize: [7, 9],
          first: 0,
          count: 7,
        };
        const n = 3 * k * k * 2 * 63;
        const got = new ctor(n);
        const want = new ctor(n);
        im2col(x, g, got);
        js.im2col(x, g, want);
        assert.deepEqual(got, want, `${name} k ${k} p ${p} d ${d}`);
      }
    }
  });

  test('columns of a tile cover only its rows; all-padding tiles are zeros', () => {
    const x = view([1, 1, 4, 4], Float32Array, () => rand() + 1);
    // Blocks 5 and 6 of dim 0 start past the input: every tap is padding.
    const g: PatchGeometry = {
      kernel: [2, 2],
      stride: [1, 1],
      padding: [0, 0],
      dilation: [1, 1],
      outSize: [7, 3],
      first: 5,
      count: 2,
    };
    const got = new Float32Array(4 * 2 * 3).fill(NaN);
    im2col(x, g, got);
    assert.ok(got.every((v) => v === 0));
    const img = new Float32Array(16).fill(1);
    col2im({ data: got, shape: [4, 1, 6], strides: [6, 6, 1], offset: 0 }, g, [1, 1, 4, 4], img);
    assert.ok(img.every((v) => v === 1));
  });

  test('bool data falls back to the js kernel', () => {
    const x: View = { data: Uint8Array.of(1, 0, 1, 1), shape: [1, 1, 4], strides: [4, 4, 1], offset: 0 };
    const g: PatchGeometry = {
      kernel: [2],
      stride: [1],
      padding: [1],
      dilation: [1],
      outSize: [5],
      first: 0,
      count: 5,
    };
    const got = new Uint8Array(10);
    im2col(x, g, got);
    assert.deepEqual(Array.from(got), [0, 1, 0, 1, 1, 1, 0, 1, 1, 0]);
  });
});

/** Regular window taps (`o s - p + j d`, -1 outside), or ragged ones like adaptive pooling's. */
function poolTaps(spatial: readonly number[]): PoolTaps {
  const taps: Int32Array[] = [];
  const width: number[] = [];
  const outSize: number[] = [];
  for (const n of spatial) {
    if (rand() < 0.7) {
      const k = int(1, Math.min(3, n));
      const s = int(1, 3);
      const d = int(1, 2);
      const p = int(0, Math.floor(k / 2));
      const out = Math.max(1, Math.floor((n + 2 * p - d * (k - 1) - 1 + (rand() < 0.5 ? s - 1 : 0)) / s) + 1);
      const t = new Int32Array(out * k);
      for (let o = 0; o < out; o++) {
        for (let j = 0; j < k; j++) {
          const pos = o * s - p + j * d;
          t[o * k + j] = pos >= 0 && pos < n ? pos : -1;
        }
      }
      taps.push(t);
      width.push(k);
      outSize.push(out);
    } else {
      const out = int(1, n);
      const w = int(1, 3);
      const t = new Int32Array(out * w).fill(-1);
      for (let o = 0; o < out; o++) {
        const start = Math.floor((o * n) / out);
        const len = int(1, w);
        for (let j = 0; j < len; j++) t[o * w + j] = Math.min(n - 1, start + j);
      }
      taps.push(t);
      width.push(w);
      outSize.push(out);
    }
  }
  return { taps, width, outSize };
}

// Small integers (many ties), some NaN and -inf.
const poolValue = () => {
  const u = rand();
  return u < 0.05 ? NaN : u < 0.1 ? -Infinity : int(-2, 2);
};

describe('wasm maxPoolIndices', () => {
  for (const nd of [1, 2, 3]) {
    for (const [name, ctor] of CTORS) {
      for (const scalar of name === 'float32' ? [false, true] : [true]) {
        test(`${nd}-D ${name} ${scalar ? 'scalar' : 'vector'} kernel: js's indices, ties and NaN`, () => {
          const saved = convTuning.maxTable;
          if (scalar) convTuning.maxTable = 0;
          try {
            for (let t = 0; t < 50; t++) {
              const spatial = Array.from({ length: nd }, () => int(1, nd === 3 ? 6 : 10));
              const shape = [int(1, 3), int(1, 4), ...spatial];
              const x = view(shape, ctor, poolValue);
              const p = poolTaps(spatial);
              const n = shape[0] * shape[1] * prod(p.outSize);
              const got = new Int32Array(n).fill(-7);
              const want = new Int32Array(n);
              maxPoolIndices(x, p, got);
              js.maxPoolIndices(x, p, want);
              assert.deepEqual(got, want, `x ${JSON.stringify(shape)} taps ${JSON.stringify(p)}`);
            }
          } finally {
            convTuning.maxTable = saved;
          }
        });
      }
    }
  }

  test('a window entirely in the padding has index -1; all -inf keeps the first tap', () => {
    const x: View = { data: Float32Array.of(-Infinity, -Infinity, 5), shape: [1, 1, 3], strides: [3, 3, 1], offset: 0 };
    const p: PoolTaps = { taps: [Int32Array.of(-1, -1, 0, 1, 1, 2)], width: [2], outSize: [3] };
    const got = new Int32Array(3);
    maxPoolIndices(x, p, got);
    assert.deepEqual(Array.from(got), [-1, 0, 2]);
  });
});

describe('wasm gather and scatter (max pooling lookups)', () => {
  test('gather and scatter(-add) match the js kernels on random views, dims and duplicates', () => {
    for (let t = 0; t < 80; t++) {
      const nd = int(1, 4);
      const shape = Array.from({ length: nd }, () => int(1, 5));
      const dim = int(0, nd - 1);
      const idxShape = shape.map((s, i) => (i === dim ? int(1, 6) : int(1, s)));
      const ctor = rand() < 0.5 ? Float32Array : Float64Array;
      const x = view(shape, ctor, () => rand());
      const index = view(idxShape, Int32Array, () => int(0, shape[dim] - 1));
      const n = prod(idxShape);
      const got = new ctor(n);
      const want = new ctor(n);
      gather(x, dim, index, got);
      js.gather(x, dim, index, want);
      assert.deepEqual(got, want);
      const src = view(idxShape, ctor, () => rand());
      for (const add of [true, false]) {
        const base = Array.from({ length: prod(shape) }, () => rand());
        const a = ctor.from(base);
        const b = ctor.from(base);
        scatter(a, shape, dim, index, src, add);
        js.scatter(b, shape, dim, index, src, add);
        assert.deepEqual(a, b, `add ${add} shape ${JSON.stringify(shape)} dim ${dim}`);
      }
    }
  });
});

describe('conv and pooling ops on the wasm backend', () => {
  const F = nb.nn.functional;
  const cases: [string, (x: nb.Tensor, w: nb.Tensor) => nb.Tensor, number[], number[]][] = [
    ['conv1d', (x, w) => F.conv1d(x, w, null, { padding: 2, stride: 2 }), [2, 3, 11], [4, 3, 3]],
    ['conv2d', (x, w) => F.conv2d(x, w, null, { padding: 1 }), [2, 3, 9, 8], [4, 3, 3, 3]],
    [
      'conv2d groups',
      (x, w) => F.conv2d(x, w, null, { groups: 2, dilation: 2, padding: [2, 1] }),
      [1, 4, 9, 7],
      [6, 2, 2, 3],
    ],
    [
      'conv2d lowMemory',
      (x, w) => F.conv2d(x, w, null, { padding: 1, lowMemory: true, tileRows: 2 }),
      [2, 3, 7, 6],
      [4, 3, 3, 3],
    ],
    ['conv3d', (x, w) => F.conv3d(x, w, null, { padding: 1, stride: [1, 2, 1] }), [1, 2, 5, 4, 5], [3, 2, 3, 2, 2]],
    ['maxPool2d', (x) => F.maxPool2d(x, 2), [2, 3, 9, 8], [1]],
    ['maxPool2d padded', (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [1, 2, 8, 7], [1]],
    ['avgPool2d', (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), [2, 3, 9, 8], [1]],
    ['unfold', (x) => F.unfold(x, [2, 3], { padding: 1, stride: 2 }), [2, 3, 6, 7], [1]],
  ];
  for (const [name, fn, xs, ws] of cases) {
    test(`${name}: values and gradients as on the js backend (float64)`, () => {
      const run = (backend: string) => {
        nb.setBackend(backend);
        try {
          nb.manualSeed(5);
          const x = nb.randn(xs, { dtype: 'float64' }).requiresGrad_();
          const w = nb.randn(ws, { dtype: 'float64' }).requiresGrad_();
          const y = fn(x, w);
          y.mul(y).sum().backward();
          return [y.detach(), x.grad!, w.grad];
        } finally {
          nb.setBackend('js');
        }
      };
      const a = run('wasm');
      const b = run('js');
      for (let i = 0; i < 3; i++) {
        if (a[i] === null || b[i] === null) continue;
        const [p, q] = [a[i]!.data(), b[i]!.data()];
        assert.equal(p.length, q.length);
        for (let j = 0; j < p.length; j++) assert.ok(Math.abs(p[j] - q[j]) <= 1e-10 * (1 + Math.abs(q[j])), name);
      }
    });
  }
});
