// State-space models: LinearSSM and SelectiveSSM against naive per-step references written from
// their equations, step() == forward, chunked == recurrent, masks, gradchecks, and learning
// (nbml's linear-recurrence prediction; SelectiveSSM trains, which nbml's cannot).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = nb;

const f64 = (shape: number[], seed: number) => {
  nb.manualSeed(seed);
  return nb.randn(shape, { dtype: 'float64' });
};
const maxDiff = (a: Tensor, b: Tensor) => {
  assert.deepEqual(a.shape, b.shape);
  return a.numel() === 0 ? 0 : (a.sub(b).abs().max().item() as number);
};
const arr = (t: Tensor) => Float64Array.from(t.detach().data());

type Stepper = { step(x: Tensor, s: Tensor | null): [Tensor, Tensor]; call(x: Tensor): Tensor };
function stepAll(m: Stepper, x: Tensor): [Tensor, Tensor] {
  let s: Tensor | null = null;
  const ys: Tensor[] = [];
  for (let t = 0; t < x.shape[1]; t++) {
    const [y, st] = m.step(x.select(1, t), s);
    ys.push(y);
    s = st;
  }
  return [nb.stack(ys, 1), s!];
}

// nbml's generate_linear_recurrence: two U(-1, 1) seeds, then x_t = 0.52 x_{t-1} + 0.48 x_{t-2}.
function linearRecurrence(batch: number, len: number, feat: number): Tensor {
  const seq = nb.rand([batch, len, feat]).mul(2).sub(1);
  const d = arr(seq);
  for (let b = 0; b < batch; b++)
    for (let t = 2; t < len; t++)
      for (let f = 0; f < feat; f++) {
        const i = (b * len + t) * feat + f;
        d[i] = 0.52 * d[i - feat] + 0.48 * d[i - 2 * feat];
      }
  return nb.tensor(Array.from(d)).reshape([batch, len, feat]);
}

describe('LinearSSM', () => {
  test('forward equals h_t = h_{t-1} A + x_t B, y_t = h_t C (naive loops)', () => {
    nb.manualSeed(1);
    const m = new nn.LinearSSM(4, 3, 2).double();
    const x = f64([2, 6, 3], 2);
    const [A, Bm, C, xs] = [m.A, m.B, m.C, x].map(arr);
    const got = arr(m.call(x));
    for (let b = 0; b < 2; b++) {
      let h = new Float64Array(4);
      for (let t = 0; t < 6; t++) {
        const next = new Float64Array(4);
        for (let j = 0; j < 4; j++) {
          for (let i = 0; i < 4; i++) next[j] += h[i] * A[i * 4 + j];
          for (let i = 0; i < 3; i++) next[j] += xs[(b * 6 + t) * 3 + i] * Bm[i * 4 + j];
        }
        h = next;
        for (let o = 0; o < 2; o++) {
          const want = h.reduce((s, hi, i) => s + hi * C[i * 2 + o], 0);
          assert.ok(Math.abs(got[(b * 6 + t) * 2 + o] - want) < 1e-12);
        }
      }
    }
  });

  test('step() == forward, scan continues from a state, masked steps hold the state', () => {
    nb.manualSeed(3);
    const m = new nn.LinearSSM(5, 3, 2).double();
    const x = f64([2, 7, 3], 4);
    const [y, h] = m.scan(x);
    const [ys, hs] = stepAll(m, x);
    assert.ok(maxDiff(ys, y) < 1e-12);
    assert.ok(maxDiff(hs, h) < 1e-12);
    const [, h1] = m.scan(x.narrow(1, 0, 3));
    const [y2] = m.scan(x.narrow(1, 3, 4), { state: h1 });
    assert.ok(maxDiff(y2, y.narrow(1, 3, 4)) < 1e-12);
    const padded = nb.cat([f64([2, 2, 3], 5), x], 1);
    const mask = nb.cat([nb.zeros([2, 2], { dtype: 'bool' }), nb.ones([2, 7], { dtype: 'bool' })], 1);
    const [yp, hp] = m.scan(padded, { mask });
    assert.ok(maxDiff(yp.narrow(1, 2, 7), y) < 1e-12);
    assert.ok(maxDiff(hp, h) < 1e-12);
  });

  test('gradcheck of input and A, B, C; initializers are honoured', () => {
    nb.manualSeed(6);
    const m = new nn.LinearSSM(3, 2, 2, { initA: (t) => nn.init.eye_(t.mul_(0)) }).double();
    assert.deepEqual(arr(m.A), Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
    nb.noGrad(() => m.A.mul_(0.5));
    const x = f64([2, 4, 2], 7).requiresGrad_(true);
    assert.ok(nb.gradcheck((xi) => m.call(xi), [x, ...m.parameters()], { fast: true }));
    assert.deepEqual(
      m.namedParameters().map(([n]) => n),
      ['A', 'B', 'C'],
    );
    assert.throws(
      () => m.call(nb.randn([2, 4, 3], { dtype: 'float64' })),
      (e: Error) => e instanceof nb.ShapeError && /LinearSSM.*\[B, S, 2\].*\[2, 4, 3\]/.test(e.message),
    );
  });

  test('learns linear-recurrence prediction (nbml: held-out loss < 0.01)', () => {
    nb.manualSeed(0);
    const seqLen = 20;
    const data = linearRecurrence(100, seqLen, 10);
    const x = data.narrow(1, 1, seqLen - 2);
    const y = data.narrow(1, 2, seqLen - 2);
    const m = new nn.LinearSSM(20, 10, 10);
    const opt = new nb.optim.Adam(m.parameters(), { lr: 1e-2 });
    for (let e = 0; e < 150; e++) {
      opt.zeroGrad();
      const l = m.call(x).sub(y).square().mean();
      l.backward();
      opt.step();
    }
    const test = linearRecurrence(10, seqLen, 10);
    const loss = nb.noGrad(() =>
      m
        .call(test.narrow(1, 1, seqLen - 2))
        .sub(test.narrow(1, 2, seqLen - 2))
        .square()
        .mean()
        .item(),
    ) as number;
    assert.ok(loss < 0.01, `held-out loss ${loss}`);
  });
});

describe('SelectiveSSM', () => {
  // Larger B/C projections than the init, so the state path dominates the D skip.
  function make(chunkSize = 16): InstanceType<typeof nn.SelectiveSSM> {
    nb.manualSeed(8);
    const m = new nn.SelectiveSSM(3, 4, { chunkSize }).double();
    nb.noGrad(() => {
      nn.init.normal_(m.xB.weight, 0, 0.7);
      nn.init.normal_(m.xC.weight, 0, 0.7);
      nn.init.normal_(m.dt.weight, 0, 0.5);
      nn.init.normal_(m.D, 1, 0.3);
    });
    return m;
  }

  test('forward equals the Mamba recurrence (zero-order hold, naive loops)', () => {
    const m = make(4);
    const x = f64([2, 9, 4], 9);
    const [Wdt, bdt, WB, WC, Alog, D, xs] = [m.dt.weight, m.dt.bias!, m.xB.weight, m.xC.weight, m.A_log, m.D, x].map(
      arr,
    );
    const got = arr(m.call(x));
    const N = 3;
    const dIn = 4;
    for (let b = 0; b < 2; b++) {
      const h = new Float64Array(dIn * N);
      for (let t = 0; t < 9; t++) {
        const xt = xs.subarray((b * 9 + t) * dIn, (b * 9 + t + 1) * dIn);
        const dot = (w: Float64Array, row: number) => xt.reduce((s, v, i) => s + v * w[row * dIn + i], 0);
        for (let d = 0; d < dIn; d++) {
          const pre = dot(Wdt, d) + bdt[d];
          const delta = pre > 20 ? pre : Math.log1p(Math.exp(pre));
          let y = D[d] * xt[d];
          for (let n = 0; n < N; n++) {
            const A = -Math.exp(Alog[d * N + n]);
            const abar = Math.exp(delta * A);
            h[d * N + n] = abar * h[d * N + n] + ((abar - 1) / A) * dot(WB, n) * xt[d];
            y += dot(WC, n) * h[d * N + n];
          }
          assert.ok(Math.abs(got[(b * 9 + t) * dIn + d] - y) < 1e-12, `b${b} t${t} d${d}`);
        }
      }
    }
  });

  test('step() == forward for several chunk sizes; masks; initial A = -(n + 1)', () => {
    const x = f64([2, 11, 4], 10);
    const y = make(1).call(x);
    for (const c of [3, 4, 16]) assert.ok(maxDiff(make(c).call(x), y) < 1e-12, `chunk ${c}`);
    const m = make(4);
    const [ys] = stepAll(m, x);
    assert.ok(maxDiff(ys, y) < 1e-12);
    const padded = nb.cat([f64([2, 3, 4], 11), x], 1);
    const mask = nb.tensor([
      [0, 0, 0, ...new Array(11).fill(1)],
      [0, 0, 0, ...new Array(11).fill(1)],
    ]);
    assert.ok(maxDiff(m.call(padded, { mask }).narrow(1, 3, 11), y) < 1e-12);
    // nbml's A[d, n] = -(n + 1)
    assert.ok(
      maxDiff(m.A_log.exp().neg().select(0, 2), nb.tensor([-1, -2, -3], { dtype: 'float64' })) < 1e-6,
      'A init',
    );
  });

  test('gradcheck of input and every parameter (A_log and D included)', () => {
    const m = make(2);
    const x = f64([2, 5, 4], 12).requiresGrad_(true);
    assert.deepEqual(
      m.namedParameters().map(([n]) => n),
      ['A_log', 'D', 'dt.weight', 'dt.bias', 'xB.weight', 'xC.weight'],
    );
    assert.ok(nb.gradcheck((xi) => m.call(xi), [x, ...m.parameters()], { fast: true }));
  });

  test('trains: a student fits a random teacher SelectiveSSM (error < 5% of the target variance)', () => {
    // nbml's SelectiveSSM is forward-only; this one learns all of dt, B, C, A_log and D.
    nb.manualSeed(0);
    const teacher = new nn.SelectiveSSM(4, 3);
    nb.noGrad(() => {
      nn.init.normal_(teacher.xB.weight, 0, 0.8);
      nn.init.normal_(teacher.xC.weight, 0, 0.8);
      nn.init.normal_(teacher.dt.weight, 0, 0.5);
      nn.init.zeros_(teacher.D); // the target is all state path
    });
    const x = nb.randn([16, 12, 3]);
    const y = nb.noGrad(() => teacher.call(x));
    const variance = y.square().mean().item() as number;
    const m = new nn.SelectiveSSM(4, 3);
    const opt = new nb.optim.Adam(m.parameters(), { lr: 3e-2 });
    let loss = Infinity;
    for (let e = 0; e < 250 && loss >= variance / 20; e++) {
      opt.zeroGrad();
      const l = m.call(x).sub(y).square().mean();
      l.backward();
      opt.step();
      loss = l.item() as number;
    }
    assert.ok(loss < variance / 20, `loss ${loss}, target variance ${variance}`);
  });
});
