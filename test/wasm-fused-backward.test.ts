// The fused backward kernels of softmax / logSoftmax, layer norm and relu: the float32 wasm
// kernels against the js reference kernels (random shapes with odd sizes, rows longer than a
// scratch chunk, permuted, offset and broadcast views, every dim for softmax), and the
// primitives' kernel gradients against the composite ones that createGraph records.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { jsBackend } from '../src/backend/js/index.js';
import type { View } from '../src/backend/types.js';
import { hasSimd, wasmBackend } from '../src/backend/wasm/index.js';

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
const rand = rng(7);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const prod = (s: readonly number[]) => s.reduce((p, n) => p * n, 1);

/** A float32 view of `shape` in a random dim order with a random offset; dims in `bcast` have stride 0. */
function view(shape: readonly number[], scale = 3, bcast: number[] = []): View {
  const order = shape.map((_, i) => i).sort(() => rand() - 0.5);
  const strides = shape.map(() => 0);
  let s = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    const d = order[j];
    if (bcast.includes(d)) continue;
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  const offset = int(0, 4);
  const data = new Float32Array(offset + s);
  for (let i = 0; i < data.length; i++) data[i] = (rand() * 2 - 1) * scale;
  return { data, shape, strides, offset };
}

// Elementwise |a - b| <= tol (1 + max |b|): float32 rounding against float64, scaled by the output.
function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  let m = 1;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol * m, `${what}: index ${i}: ${a[i]} vs ${b[i]}`);
  }
}

const randomShape = (nd: number) => Array.from({ length: nd }, () => (rand() < 0.2 ? 1 : int(2, 9)));

describe('fused backward kernels: wasm float32 against js', { skip: !hasSimd() }, () => {
  test('softmaxBackward and logSoftmax, every dim, odd sizes and strided views', () => {
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(int(0, 4));
      if (trial % 10 === 9 && shape.length) shape[shape.length - 1] = int(30, 140);
      for (let dim = 0; dim < Math.max(shape.length, 1); dim++) {
        for (const log of [false, true]) {
          const y = view(shape, log ? 4 : 1);
          const bcast = rand() < 0.3 && shape.length ? [int(0, shape.length - 1)] : [];
          const dy = view(shape, 2, bcast);
          const [a, b] = [new Float32Array(prod(shape)), new Float32Array(prod(shape))];
          wasm.softmaxBackward(y, dy, dim, log, a);
          js.softmaxBackward(y, dy, dim, log, b);
          close(a, b, 1e-5, `${log ? 'log' : ''}softmax [${shape}] dim ${dim}`);
        }
      }
    }
  });

  test('softmaxBackward: a row longer than a scratch chunk', () => {
    const shape = [2, 17001];
    const [y, dy] = [view(shape, 1), view(shape, 1)];
    for (const log of [false, true]) {
      const [a, b] = [new Float32Array(prod(shape)), new Float32Array(prod(shape))];
      wasm.softmaxBackward(y, dy, 1, log, a);
      js.softmaxBackward(y, dy, 1, log, b);
      close(a, b, 1e-5, 'long row');
    }
  });

  test('layerNormBackward: weight or not, odd sizes, many rows, strided views', () => {
    for (let trial = 0; trial < 80; trial++) {
      const k = int(1, 2);
      const lead = randomShape(int(0, 3));
      const tail = Array.from({ length: k }, () => int(1, trial % 8 === 7 ? 70 : 11));
      if (trial === 5) lead.splice(0, lead.length, 1500); // several chunks
      const shape = [...lead, ...tail];
      const rows = prod(lead);
      const n = prod(tail);
      const x = view(shape, 3);
      const dy = view(shape, 2, rand() < 0.3 ? [0] : []);
      const w = rand() < 0.7 ? view(tail, 2) : null;
      const mean = new Float32Array(rows).map(() => rand() - 0.5);
      const rstd = new Float32Array(rows).map(() => 0.5 + rand());
      const out = () => [new Float32Array(rows * n), new Float32Array(n), new Float32Array(n)];
      const [dxa, dwa, dba] = out();
      const [dxb, dwb, dbb] = out();
      const skip = rand() < 0.3;
      wasm.layerNormBackward(dy, x, mean, rstd, w, dxa, skip ? null : dwa, dba);
      js.layerNormBackward(dy, x, mean, rstd, w, dxb, skip ? null : dwb, dbb);
      const what = `layerNorm [${lead}|${tail}]`;
      close(dxa, dxb, 3e-5, `${what} dx`);
      close(dwa, dwb, 3e-5, `${what} dweight`);
      close(dba, dbb, 3e-5, `${what} dbias`);
    }
  });

  test('reluBackward: exact, with zeros, -0, NaN and views', () => {
    for (let trial = 0; trial < 40; trial++) {
      const shape = randomShape(int(0, 4));
      if (trial === 3) shape.splice(0, shape.length, 40001);
      const y = view(shape, 1);
      const yd = y.data as Float32Array;
      for (let i = 0; i < yd.length; i += 7) yd[i] = [0, -0, NaN, Infinity][i % 4];
      const dy = view(shape, 2, rand() < 0.3 && shape.length ? [0] : []);
      const [a, b] = [new Float32Array(prod(shape)), new Float32Array(prod(shape))];
      wasm.reluBackward(y, dy, a);
      js.reluBackward(y, dy, b);
      assert.deepEqual(a, b, `relu [${shape}]`);
    }
  });
});

// The kernel path (plain backward) against the composite that createGraph records.
describe('fused backward primitives against the composite gradients', () => {
  const cases: [string, (x: nb.Tensor, w: nb.Tensor, b: nb.Tensor) => nb.Tensor][] = [
    ['softmax dim 1', (x) => x.softmax(1)],
    ['logSoftmax dim 0', (x) => x.logSoftmax(0)],
    ['logSoftmax last', (x) => x.logSoftmax(-1)],
    ['relu', (x) => x.relu()],
    ['layerNorm', (x, w, b) => nb.nn.functional.layerNorm(x, [7], { weight: w, bias: b })],
    ['layerNorm 2 dims, no affine', (x) => nb.nn.functional.layerNorm(x, [5, 7])],
  ];
  for (const backend of ['js', 'wasm'] as const) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [name, f] of cases) {
        test(`${name} (${backend}, ${dtype})`, () => {
          const prev = nb.getBackend();
          nb.setBackend(backend);
          try {
            nb.manualSeed(3);
            const x = nb.randn([3, 5, 7], { dtype }).transpose(0, 2).transpose(0, 2).requiresGrad_();
            const w = nb.randn([7], { dtype }).requiresGrad_();
            const b = nb.randn([7], { dtype }).requiresGrad_();
            const gy = nb.randn([3, 5, 7], { dtype });
            const ins = [x, w, b];
            const y = f(x, w, b);
            const fused = nb.grad(y, ins, { gradOutputs: gy, retainGraph: true, allowUnused: true });
            const comp = nb.grad(y, ins, { gradOutputs: gy, createGraph: true, allowUnused: true });
            const tol = dtype === 'float32' ? 1e-5 : 1e-12;
            fused.forEach((g, i) => {
              if (g === null) return assert.equal(comp[i], null);
              close(g.toArray(), comp[i].detach().toArray(), tol, `${name} input ${i}`);
            });
          } finally {
            nb.setBackend(prev);
          }
        });
      }
    }
  }
});
