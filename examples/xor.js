// XOR three ways: (1) raw tensors and autograd with a hand-written SGD step, (2) the same 2-8-1
// network as an nn.Sequential trained by optim.Adam, (3) micrograd-style scalar autograd
// (nb.scalar: one Value per number). Prints the truth table and the fits.
//
//   node examples/xor.js [--steps 2000]
import * as nb from 'nabla';
import { cliOptions, isMain } from './common.js';

const { nn, optim, data } = nb;

/**
 * Trains the three versions; returns their final losses and how many of the 4 rows each gets
 * right.
 * @param {{ steps?: number, seed?: number, quiet?: boolean }} [opts]
 */
export function run(opts = {}) {
  const steps = opts.steps ?? 2000;
  const log = opts.quiet ? () => {} : console.log;
  nb.manualSeed(opts.seed ?? 0);
  const { x, y } = data.datasets.xor();
  const raw = rawTensors(x, y, steps, log);
  const mod = withModules(x, y, steps, log);
  const sc = withScalars(x.tolist(), y.flatten().tolist(), Math.min(steps, 500), log);
  return { raw, modules: mod, scalar: sc };
}

// (1) Parameters are plain tensors with requiresGrad; the update runs under noGrad.
function rawTensors(x, y, steps, log) {
  const w1 = nb
    .randn([2, 8])
    .mul(Math.sqrt(1 / 2))
    .requiresGrad_();
  const b1 = nb.zeros([8], { requiresGrad: true });
  const w2 = nb
    .randn([8, 1])
    .mul(Math.sqrt(1 / 8))
    .requiresGrad_();
  const b2 = nb.zeros([1], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  const forward = (inp) => inp.matmul(w1).add(b1).tanh().matmul(w2).add(b2);
  const lr = 0.5;
  let loss = NaN;
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const l = nn.functional.binaryCrossEntropyWithLogits(forward(x), y);
    for (const p of params) p.grad = null;
    l.backward();
    nb.noGrad(() => {
      for (const p of params) p.sub_(p.grad, { alpha: lr });
    });
    loss = l.item();
  }
  const probs = nb.noGrad(() => forward(x).sigmoid());
  log(`raw tensors + autograd (${steps} SGD steps, ${(performance.now() - t0).toFixed(0)} ms):`);
  return report(x, y, probs, loss, log);
}

// (2) The same network as modules, with an optimizer doing the update.
function withModules(x, y, steps, log) {
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
  const lossFn = new nn.BCEWithLogitsLoss();
  let loss = NaN;
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    optimizer.zeroGrad();
    const l = lossFn.call(model.call(x), y);
    l.backward();
    optimizer.step();
    loss = l.item();
  }
  model.eval();
  const probs = nb.noGrad(() => model.call(x).sigmoid());
  log(`\nnn.Sequential + optim.Adam (${steps} steps, ${(performance.now() - t0).toFixed(0)} ms):`);
  return report(x, y, probs, loss, log);
}

// (3) Every weight is a scalar.Value; the graph is built number by number (so it is slow, and
// fewer steps suffice). tanh output with targets -1/+1 and a squared error, as micrograd.
function withScalars(rows, targets, steps, log) {
  const { scalar } = nb;
  const mlp = new scalar.MLP(2, [8, 1], { generator: new nb.Generator(0) });
  const opt = new scalar.SGD(mlp.parameters(), { lr: 0.05 });
  const signed = targets.map((t) => 2 * t - 1);
  let loss = NaN;
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const preds = rows.map((r) => mlp.call(r)[0]);
    const l = scalar.sum(preds.map((p, i) => p.sub(signed[i]).pow(2)));
    opt.zeroGrad();
    l.backward();
    opt.step();
    loss = l.data / rows.length;
  }
  const probs = nb.tensor(rows.map((r) => (mlp.call(r)[0].data + 1) / 2));
  log(
    `\nscalar autograd, nb.scalar.MLP (${steps} SGD steps, ${(performance.now() - t0).toFixed(0)} ms; output mapped to [0, 1]):`,
  );
  return report(nb.tensor(rows), nb.tensor(targets), probs, loss, log);
}

function report(x, y, probs, loss, log) {
  const p = probs.flatten().tolist();
  const t = y.flatten().tolist();
  log('input   target  prediction');
  x.tolist().forEach((row, i) => log(`${row.join(' ')}     ${t[i]}       ${p[i].toFixed(4)}`));
  const correct = p.filter((q, i) => (q > 0.5 ? 1 : 0) === t[i]).length;
  log(`loss ${loss.toFixed(5)}, ${correct}/4 correct`);
  return { loss, correct };
}

if (isMain(import.meta.url)) {
  const { raw, modules, scalar } = run(cliOptions());
  console.log(
    `\nfinal: raw tensors ${raw.correct}/4, nn + Adam ${modules.correct}/4, scalar autograd ${scalar.correct}/4`,
  );
  if (raw.correct !== 4 || modules.correct !== 4 || scalar.correct !== 4) process.exitCode = 1;
}
