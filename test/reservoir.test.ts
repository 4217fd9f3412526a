// Reservoirs: spectral radius by power iteration, fixed weights as buffers, the update equations
// against naive loops, step() == forward, gradchecks, the ridge readout, ESN on Mackey-Glass and
// LSM temporal classification.
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

type Stepper = { step(x: Tensor, s: Tensor | null): [Tensor, Tensor] };
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

// Mackey-Glass dx/dt = 0.2 x(t - tau) / (1 + x(t - tau)^10) - 0.1 x(t), Euler with step 0.1,
// x = 1.2 before t = 0, sampled once per time unit after a transient of `skip` units.
function mackeyGlass(n: number, tau = 17, skip = 300): Float64Array {
  const dt = 0.1;
  const per = 10;
  const lag = Math.round(tau / dt);
  const total = (n + skip) * per;
  const x = new Float64Array(total + lag + 1).fill(1.2);
  for (let i = lag; i < lag + total; i++) {
    const d = x[i - lag];
    x[i + 1] = x[i] + dt * ((0.2 * d) / (1 + d ** 10) - 0.1 * x[i]);
  }
  return Float64Array.from({ length: n }, (_, k) => x[lag + (skip + k) * per]);
}

describe('spectralRadius', () => {
  test('known radii, including a dominant complex pair', () => {
    // Eigenvalues 0.5, -2, 1: radius 2.
    assert.ok(
      Math.abs(
        nn.spectralRadius(
          nb.tensor([
            [0.5, 0, 0],
            [0, -2, 0],
            [0, 0, 1],
          ]),
        ) - 2,
      ) < 1e-6,
    );
    // A rotation by 90 degrees scaled by 1.5 (eigenvalues +-1.5i) beside a real 1.2.
    const w = nb.tensor([
      [0, 1.5, 0],
      [-1.5, 0, 0],
      [0, 0, 1.2],
    ]);
    assert.ok(Math.abs(nn.spectralRadius(w, { iters: 400 }) - 1.5) < 1e-3);
    // Upper triangular: eigenvalues on the diagonal (0.3, -0.7, 0.6).
    const u = nb.tensor([
      [0.3, 2, -1],
      [0, -0.7, 3],
      [0, 0, 0.6],
    ]);
    assert.ok(Math.abs(nn.spectralRadius(u, { iters: 2000 }) - 0.7) < 5e-3);
  });
});

describe('RNNReservoir', () => {
  test('weights are buffers, not parameters; spectral radius, sparsity and generator', () => {
    const g = new nb.Generator(5);
    const r = new nn.RNNReservoir(3, 50, { spectralRadius: 0.8, sparsity: 0.5, generator: g });
    assert.equal(r.parameters().length, 0);
    assert.deepEqual(
      r.namedBuffers().map(([n]) => n),
      ['weightIn', 'weightRec', 'bias'],
    );
    assert.deepEqual(Object.keys(r.stateDict()), ['weightIn', 'weightRec', 'bias']);
    assert.ok(Math.abs(nn.spectralRadius(r.weightRec, { iters: 1000 }) - 0.8) < 0.02);
    const zeros = arr(r.weightRec).filter((v) => v === 0).length / 2500;
    assert.ok(zeros > 0.4 && zeros < 0.6, `zero fraction ${zeros}`);
    const measured = r.setSpectralRadius(1.1, { iters: 1000 });
    assert.ok(Math.abs(measured - 1.1) < 0.02);
    const again = new nn.RNNReservoir(3, 50, { spectralRadius: 0.8, sparsity: 0.5, generator: new nb.Generator(5) });
    assert.ok(maxDiff(again.weightIn, r.weightIn) === 0);
    assert.throws(
      () => new nn.RNNReservoir(3, 5, { leakRate: 0 }),
      (e: Error) => e instanceof nb.ValueError && /leakRate in \(0, 1\], got 0/.test(e.message),
    );
  });

  test('leaky update equals the naive loop; step() == forward; gradcheck of the input', () => {
    nb.manualSeed(1);
    const r = new nn.RNNReservoir(2, 4, { leakRate: 0.3, inputScaling: 0.5 }).double();
    const x = f64([2, 5, 2], 2);
    const [Win, Wr, b, xs] = [r.weightIn, r.weightRec, r.bias!, x].map(arr);
    const got = arr(r.call(x));
    for (let bi = 0; bi < 2; bi++) {
      let h = new Float64Array(4);
      for (let t = 0; t < 5; t++) {
        h = h.map((hj, j) => {
          let pre = b[j];
          for (let i = 0; i < 2; i++) pre += xs[(bi * 5 + t) * 2 + i] * Win[i * 4 + j];
          for (let i = 0; i < 4; i++) pre += h[i] * Wr[i * 4 + j];
          return 0.7 * hj + 0.3 * Math.tanh(pre);
        });
        for (let j = 0; j < 4; j++) assert.ok(Math.abs(got[(bi * 5 + t) * 4 + j] - h[j]) < 1e-12);
      }
    }
    assert.ok(maxDiff(stepAll(r, x)[0], r.call(x)) < 1e-12);
    const xg = x.clone().requiresGrad_(true);
    assert.ok(nb.gradcheck((xi) => r.call(xi), [xg], { fast: true }));
  });
});

describe('ESN', () => {
  test('only the readout trains; gradcheck of input and readout; step() == forward', () => {
    nb.manualSeed(3);
    const esn = new nn.ESN(2, 6, 3).double();
    assert.deepEqual(
      esn.namedParameters().map(([n]) => n),
      ['readout.weight', 'readout.bias'],
    );
    const x = f64([2, 4, 2], 4).requiresGrad_(true);
    assert.ok(nb.gradcheck((xi) => esn.call(xi), [x, ...esn.parameters()], { fast: true }));
    assert.ok(maxDiff(stepAll(esn, x)[0], esn.call(x)) < 1e-12);
  });

  test('fitRidge recovers an exact linear readout, washout excluded', () => {
    nb.manualSeed(5);
    const esn = new nn.ESN(1, 8, 2).double();
    const x = f64([3, 30, 1], 6);
    const states = nb.noGrad(() => esn.reservoir.call(x));
    const W = f64([2, 8], 7);
    const b = nb.tensor([0.5, -1], { dtype: 'float64' });
    const y = states.matmul(W.mT).add(b);
    // The first 5 targets are garbage; washout must ignore them.
    const yBad = nb.cat([y.narrow(1, 0, 5).add(100), y.narrow(1, 5, 25)], 1);
    const mse = esn.fitRidge(x, yBad, { alpha: 0, washout: 5 });
    assert.ok(mse < 1e-16, `training mse ${mse}`);
    assert.ok(maxDiff(esn.readout.weight, W) < 1e-6);
    assert.ok(maxDiff(esn.readout.bias!, b) < 1e-6);
    assert.throws(
      () => esn.fitRidge(x, y.narrow(2, 0, 1)),
      (e: Error) => e instanceof nb.ValueError && /targets of shape \[3, 30, 2\]/.test(e.message),
    );
  });

  test('Mackey-Glass (tau 17) one-step-ahead prediction: held-out NRMSE < 0.1', () => {
    const s = mackeyGlass(1501);
    // PyTorch-free sanity check of the generator: the attractor stays within about [0.4, 1.35].
    assert.ok(Math.min(...s) > 0.3 && Math.max(...s) < 1.4);
    nb.manualSeed(0);
    const esn = new nn.ESN(1, 100, 1, { spectralRadius: 0.9 });
    const u = nb
      .tensor(Array.from(s.subarray(0, 1500)))
      .reshape([1, 1500, 1])
      .sub(1);
    const y = nb
      .tensor(Array.from(s.subarray(1, 1501)))
      .reshape([1, 1500, 1])
      .sub(1);
    esn.fitRidge(u.narrow(1, 0, 1100), y.narrow(1, 0, 1100), { alpha: 1e-6, washout: 100 });
    // Run the whole series (the test part continues from the training part's state).
    const pred = nb.noGrad(() => esn.call(u)).narrow(1, 1100, 400);
    const target = y.narrow(1, 1100, 400);
    const nrmse = Math.sqrt(pred.sub(target).square().mean().item() as number) / (target.std().item() as number);
    assert.ok(nrmse < 0.1, `NRMSE ${nrmse}`);
  });
});

describe('SNNReservoir and LSM', () => {
  test('leaky integrate-and-fire equals the naive loop, in both propagation modes', () => {
    for (const propagate of ['spikes', 'membrane'] as const) {
      nb.manualSeed(8);
      const snn = new nn.SNNReservoir(2, 5, {
        propagate,
        dt: 0.1,
        tauRange: [0.05, 0.5],
        thresholdRange: [0.1, 0.5],
        inputScaling: 5,
      }).double();
      const x = f64([2, 12, 2], 9).abs();
      const [Win, Wr, tau, th, xs] = [snn.weightIn, snn.weightRec, snn.tau, snn.threshold, x].map(arr);
      const got = arr(snn.call(x));
      let fired = 0;
      for (let b = 0; b < 2; b++) {
        let v = new Float64Array(5);
        for (let t = 0; t < 12; t++) {
          const u = v.map(
            (vj, j) =>
              vj * Math.exp(-0.1 / tau[j]) + xs[(b * 12 + t) * 2] * Win[j] + xs[(b * 12 + t) * 2 + 1] * Win[5 + j],
          );
          const s = u.map((uj, j) => (uj > th[j] ? 1 : 0));
          // standard: a spike (1) is sent; nbml: the membrane value at firing, p = v * s.
          const sent = u.map((uj, j) => (propagate === 'spikes' ? s[j] : uj * s[j]));
          v = u.map((uj, j) => uj * (1 - s[j]) + sent.reduce((acc, p, i) => acc + p * Wr[i * 5 + j], 0));
          fired += s.reduce((a, c) => a + c, 0);
          for (let j = 0; j < 5; j++) assert.ok(Math.abs(got[(b * 12 + t) * 5 + j] - v[j]) < 1e-12);
        }
      }
      assert.ok(fired > 5, `only ${fired} spikes: the test would not exercise firing`);
    }
  });

  test('ranges, buffers, step() == forward, per-step dt, spike output, gradcheck of the input', () => {
    nb.manualSeed(10);
    const snn = new nn.SNNReservoir(3, 20, { thresholdRange: [0.3, 0.8], tauRange: [0.05, 0.5] }).double();
    assert.equal(snn.parameters().length, 0);
    assert.deepEqual(Object.keys(snn.stateDict()), ['weightIn', 'weightRec', 'tau', 'threshold']);
    const inRange = (t: Tensor, lo: number, hi: number) => arr(t).every((v) => v >= lo && v <= hi);
    assert.ok(inRange(snn.threshold, 0.3, 0.8) && inRange(snn.tau, 0.05, 0.5));
    snn.setThresholdRange(1, 2);
    snn.setTauRange(2, 3);
    assert.ok(inRange(snn.threshold, 1, 2) && inRange(snn.tau, 2, 3));
    const x = f64([2, 6, 3], 11);
    assert.ok(maxDiff(stepAll(snn, x)[0], snn.call(x)) < 1e-12);
    const dts = [0.1, 0.2, 0.1, 0.5, 1, 0.3];
    let v: Tensor | null = null;
    for (let t = 0; t < 6; t++) [, v] = snn.step(x.select(1, t), v, { dt: dts[t] });
    assert.ok(maxDiff(snn.scan(x, { dt: dts })[1], v!) < 1e-12);
    const spikes = new nn.SNNReservoir(3, 20, { output: 'spikes', thresholdRange: [0, 0.2] }).call(x.float());
    assert.ok(arr(spikes).every((s) => s === 0 || s === 1) && arr(spikes).some((s) => s === 1));
    const xg = x.narrow(1, 0, 3).clone().requiresGrad_(true);
    assert.ok(nb.gradcheck((xi) => snn.call(xi), [xg], { fast: true }));
    assert.throws(
      () => snn.setTauRange(-1, 1),
      (e: Error) => e instanceof nb.ValueError && /setTauRange/.test(e.message),
    );
  });

  test('LSM: readout of the reservoir, gradcheck of input and readout', () => {
    nb.manualSeed(12);
    const lsm = new nn.LSM(2, 6, 3, { dt: 0.2 }).double();
    assert.deepEqual(
      lsm.namedParameters().map(([n]) => n),
      ['readout.weight', 'readout.bias'],
    );
    const x = f64([2, 4, 2], 13).requiresGrad_(true);
    assert.ok(maxDiff(lsm.call(x), lsm.readout.call(lsm.reservoir.call(x))) < 1e-15);
    assert.ok(nb.gradcheck((xi) => lsm.call(xi), [x, ...lsm.parameters()], { fast: true }));
    assert.ok(maxDiff(stepAll(lsm, x)[0], lsm.call(x)) < 1e-12);
  });

  test('LSM temporal classification of spike patterns: held-out accuracy > 0.9', () => {
    // Two classes of 4-channel spike trains with the same spikes in opposite temporal order
    // (channel c fires at step 8 + 2c (+0/1 jitter), or at 8 + 2(3 - c)), plus 1% noise spikes;
    // the label is read from the readout at the last step (19), after 3-8 silent steps.
    const data = (B: number, seed: number): [Tensor, Tensor] => {
      const g = new nb.Generator(seed);
      const S = 20;
      const xs = new Float32Array(B * S * 4);
      const ys = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        ys[b] = b % 2;
        for (let c = 0; c < 4; c++) {
          const t = 8 + 2 * (b % 2 === 0 ? c : 3 - c) + (g.random() < 0.5 ? 0 : 1);
          xs[(b * S + t) * 4 + c] = 1;
        }
        for (let i = 0; i < S * 4; i++) if (g.random() < 0.01) xs[b * S * 4 + i] = 1;
      }
      return [nb.tensor(Array.from(xs)).reshape([B, S, 4]), nb.tensor(Array.from(ys)).reshape([B, 1])];
    };
    nb.manualSeed(0);
    const [x, y] = data(64, 1);
    const [xt, yt] = data(200, 2);
    const lsm = new nn.LSM(4, 40, 1, { dt: 0.1, tauRange: [0.05, 0.5], thresholdRange: [0.3, 0.8], inputScaling: 2 });
    const opt = new nb.optim.Adam(lsm.parameters(), { lr: 3e-2 });
    for (let e = 0; e < 60; e++) {
      opt.zeroGrad();
      nn.functional.binaryCrossEntropyWithLogits(lsm.call(x).select(1, 19), y).backward();
      opt.step();
    }
    const logits = nb.noGrad(() => lsm.call(xt).select(1, 19));
    const acc = logits.gt(0).to('float32').eq(yt).to('float32').mean().item() as number;
    assert.ok(acc > 0.9, `held-out accuracy ${acc}`);
  });
});
