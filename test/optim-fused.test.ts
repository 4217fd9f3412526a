// The fused Adam/AdamW kernel: the wasm kernel against the js reference kernel bit for bit
// (every weight-decay mode, AMSGrad, float32 and float64, odd lengths, offsets, NaN/inf/-0),
// the fused step against the same update written with tensor ops, and Adam/AdamW on the wasm
// backend against the js backend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { kernels } from '../src/backend/index.js';
import { adamStep as jsAdam, type AdamHyper } from '../src/backend/js/optim.js';
import { adamStep as wasmAdam } from '../src/backend/wasm/optim.js';
import type { Tensor } from '../src/index.js';

const { optim } = nb;

// mulberry32, so failures reproduce.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(77);

type FloatArray = Float32Array | Float64Array;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Same values element by element (NaN equals NaN; +0 and -0 differ). */
function sameBits(a: FloatArray, b: FloatArray, label: string): void {
  assert.equal(a.length, b.length, label);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${label}: [${i}] ${a[i]} vs ${b[i]}`);
  }
}

// Mostly ordinary values, sometimes the awkward ones.
function value(special: boolean): number {
  const u = rand();
  if (special && u < 0.02) return NaN;
  if (special && u < 0.04) return rand() < 0.5 ? Infinity : -Infinity;
  if (special && u < 0.06) return -0;
  if (special && u < 0.08) return (rand() - 0.5) * 1e-30;
  if (special && u < 0.1) return (rand() - 0.5) * 1e30;
  return (rand() - 0.5) * 4;
}

function buffers(ctor: Ctor, n: number, off: number, special: boolean) {
  const make = (nonNeg = false) => {
    const a = new ctor(off + n + 3);
    for (let i = 0; i < a.length; i++) a[i] = nonNeg ? Math.abs(value(special)) : value(special);
    return a;
  };
  return { p: make(), g: make(), m: make(), v: make(true), vmax: make(true) };
}

function runBoth(ctor: Ctor, n: number, h: AdamHyper, ams: boolean, special: boolean, label: string): void {
  const off = Math.floor(rand() * 3);
  const a = buffers(ctor, n, off, special);
  const b = { p: a.p.slice(), g: a.g.slice(), m: a.m.slice(), v: a.v.slice(), vmax: a.vmax.slice() };
  const run = (k: typeof jsAdam, x: typeof a) =>
    k(
      n,
      { data: x.p, off },
      { data: x.g, off },
      { data: x.m, off },
      { data: x.v, off },
      ams ? { data: x.vmax, off } : null,
      h,
    );
  run(jsAdam, a);
  run(wasmAdam, b);
  for (const key of ['p', 'g', 'm', 'v', 'vmax'] as const) sameBits(b[key], a[key], `${label} ${key}`);
}

describe('fused Adam kernel: wasm against js, bit for bit', () => {
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 13, 4095, 4096, 4097, 9001];
  for (const [name, ctor] of [
    ['float32', Float32Array],
    ['float64', Float64Array],
  ] as [string, Ctor][]) {
    for (const decoupled of [false, true]) {
      for (const ams of [false, true]) {
        test(`${name} ${decoupled ? 'AdamW' : 'Adam'}${ams ? ' amsgrad' : ''}`, () => {
          for (const n of lengths) {
            for (const special of [false, true]) {
              const h: AdamHyper = {
                lr: [1e-3, 0.1, 0.5][Math.floor(rand() * 3)],
                beta1: [0.9, 0.5, 0][Math.floor(rand() * 3)],
                beta2: [0.999, 0.9][Math.floor(rand() * 2)],
                eps: [1e-8, 1e-3][Math.floor(rand() * 2)],
                weightDecay: [0, 0.01, 0.3][Math.floor(rand() * 3)],
                decoupled,
                step: 1 + Math.floor(rand() * 20),
              };
              runBoth(ctor, n, h, ams, special, `${name} n ${n} ${JSON.stringify(h)}`);
            }
          }
        });
      }
    }
  }

  test('mixed dtypes (float32 parameter, float64 state) use the js kernel', () => {
    const n = 9;
    const p = Float32Array.from({ length: n }, () => value(false));
    const g = Float32Array.from({ length: n }, () => value(false));
    const m = Float64Array.from({ length: n }, () => value(false));
    const v = Float64Array.from({ length: n }, () => Math.abs(value(false)));
    const h: AdamHyper = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 3 };
    const [p2, m2, v2] = [p.slice(), m.slice(), v.slice()];
    jsAdam(n, { data: p, off: 0 }, { data: g, off: 0 }, { data: m, off: 0 }, { data: v, off: 0 }, null, h);
    wasmAdam(n, { data: p2, off: 0 }, { data: g, off: 0 }, { data: m2, off: 0 }, { data: v2, off: 0 }, null, h);
    sameBits(p2, p, 'param');
    sameBits(m2, m, 'exp_avg');
    sameBits(v2, v, 'exp_avg_sq');
  });
});

/** Adam written with tensor ops, as PyTorch's single-tensor loop (the op path). */
function opAdam(
  p: Tensor,
  g: Tensor,
  st: { m: Tensor; v: Tensor; vmax: Tensor },
  h: AdamHyper,
  ams: boolean,
): { p: Tensor; m: Tensor; v: Tensor; vmax: Tensor } {
  return nb.noGrad(() => {
    let grad = g;
    let w = p;
    if (h.decoupled) w = w.mul(1 - h.lr * h.weightDecay);
    else if (h.weightDecay !== 0) grad = grad.add(w.mul(h.weightDecay));
    const m = st.m.mul(h.beta1).add(grad.mul(1 - h.beta1));
    const v = st.v.mul(h.beta2).add(grad.mul(grad).mul(1 - h.beta2));
    const vmax = ams ? nb.maximum(st.vmax, v) : st.vmax;
    const denom = (ams ? vmax : v)
      .sqrt()
      .div(Math.sqrt(1 - h.beta2 ** h.step))
      .add(h.eps);
    const next = w.sub(m.div(denom).mul(h.lr / (1 - h.beta1 ** h.step)));
    return { p: next, m, v, vmax };
  });
}

describe('fused step against the tensor-op step', () => {
  for (const backend of ['js', 'wasm']) {
    for (const dtype of ['float32', 'float64'] as const) {
      test(`${backend} ${dtype}: ten steps of Adam, AdamW and AMSGrad agree`, () => {
        nb.setBackend(backend);
        try {
          for (const [decoupled, ams, weightDecay] of [
            [false, false, 0],
            [false, true, 0.1],
            [true, false, 0.05],
            [true, true, 0.01],
          ] as [boolean, boolean, number][]) {
            nb.manualSeed(11);
            const p = nb.randn([37, 5], { dtype });
            const q = p.clone();
            const n = p.numel();
            let st = {
              m: nb.zeros([37, 5], { dtype }),
              v: nb.zeros([37, 5], { dtype }),
              vmax: nb.zeros([37, 5], { dtype }),
            };
            const m = nb.zeros([37, 5], { dtype });
            const v = nb.zeros([37, 5], { dtype });
            const vmax = nb.zeros([37, 5], { dtype });
            let ref = p;
            for (let step = 1; step <= 10; step++) {
              const g = nb.randn([37, 5], { dtype });
              const h: AdamHyper = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay, decoupled, step };
              const r = opAdam(ref, g, st, h, ams);
              ref = r.p;
              st = r;
              const run = (t: Tensor) => ({ data: t.storage.data, off: t.offset });
              kernels().adamStep(n, run(q), run(g), run(m), run(v), ams ? run(vmax) : null, h);
            }
            // The op path rounds (1-β)·g separately, so float32 differs in the last bits.
            const tol = dtype === 'float32' ? 2e-5 : 1e-12;
            const [a, b] = [q.data(), ref.data()];
            for (let i = 0; i < n; i++) {
              assert.ok(
                Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])),
                `${decoupled} ${ams} [${i}] ${a[i]} ${b[i]}`,
              );
            }
          }
        } finally {
          nb.setBackend('js');
        }
      });
    }
  }
});

describe('Adam and AdamW on the wasm backend', () => {
  const configs: [string, (ps: Tensor[]) => nb.optim.Optimizer<nb.optim.BaseOptions>][] = [
    ['Adam', (ps) => new optim.Adam(ps, { lr: 0.05 })],
    [
      'Adam amsgrad weightDecay maximize',
      (ps) => new optim.Adam(ps, { lr: 0.05, amsgrad: true, weightDecay: 0.1, maximize: true }),
    ],
    ['AdamW', (ps) => new optim.AdamW(ps, { lr: 0.05, weightDecay: 0.2 })],
    ['AdamW amsgrad', (ps) => new optim.AdamW(ps, { lr: 0.05, amsgrad: true, betas: [0.5, 0.9] })],
  ];
  for (const [name, make] of configs) {
    for (const dtype of ['float32', 'float64'] as const) {
      test(`${name} ${dtype}: the same trajectory as on the js backend, incl. a strided parameter`, () => {
        // Gradients come from the js backend (the GEMM kernels round differently); only the
        // optimizer step runs on the backend under test.
        const run = (backend: string) => {
          nb.manualSeed(3);
          const a = nb.randn([6, 7], { dtype }).requiresGrad_();
          const base = nb.randn([5, 4], { dtype });
          // A transposed (non-contiguous) leaf parameter.
          const b = base.t().requiresGrad_();
          const x = nb.randn([9, 6], { dtype });
          const opt = make([a, b]);
          for (let s = 0; s < 6; s++) {
            opt.zeroGrad();
            x.matmul(a).tanh().sum().add(b.mul(b).sum()).backward();
            nb.setBackend(backend);
            try {
              opt.step();
            } finally {
              nb.setBackend('js');
            }
          }
          const sd = opt.stateDict();
          return [a, b, sd.state[0].exp_avg as Tensor, sd.state[1].exp_avg_sq as Tensor].map((t) =>
            Float64Array.from(t.data()),
          );
        };
        const w = run('wasm');
        const j = run('js');
        w.forEach((arr, i) => sameBits(arr, j[i], `${name} tensor ${i}`));
      });
    }
  }
});
