// Mackey-Glass forecasting with an echo-state network: a fixed random reservoir of 400 leaky
// tanh units whose linear readout is fitted in closed form (ridge regression). Reports the
// one-step-ahead error on unseen data and the error of a free-running (closed-loop) forecast,
// and writes runs/esn/forecast.svg.
//
//   node examples/esn.js [--hidden 400] [--horizon 200] [--seed 0] [--out runs/esn]
import path from 'node:path';
import * as nb from 'nabla';
import { train } from 'nabla/node';
import { cliOptions, fmtTime, isMain, stopwatch, useFastestBackend } from './common.js';

const { nn, data, metrics, plot } = nb;

/**
 * Fits the ESN on 2,000 steps and tests it on the following ones.
 * @param {{ hidden?: number, trainSteps?: number, testSteps?: number, horizon?: number,
 *   seed?: number, out?: string | null, quiet?: boolean, backend?: string }} [opts]
 */
export async function run(opts = {}) {
  const hidden = opts.hidden ?? 400;
  const nTrain = opts.trainSteps ?? 2000;
  const nTest = opts.testSteps ?? 1000;
  const horizon = Math.min(opts.horizon ?? 200, nTest);
  const washout = Math.min(100, Math.floor(nTrain / 4));
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : console.log;
  const backend = await useFastestBackend(opts.backend);
  nb.manualSeed(seed);
  const clock = stopwatch();

  // τ = 17, sampled every time unit; the first 500 samples (the transient) are dropped. The
  // series lives in about [0.4, 1.3]; centring it suits the tanh units.
  const raw = data.datasets.mackeyGlass(nTrain + nTest + 1, { discard: 500, dtype: 'float64' });
  const series = raw.sub(raw.mean()).div(raw.std()).to('float32');
  const seq = (start, len) => series.narrow(0, start, len).reshape([1, len, 1]);
  const xTrain = seq(0, nTrain);
  const yTrain = seq(1, nTrain);
  const xTest = seq(nTrain, nTest);
  const yTest = seq(nTrain + 1, nTest);

  const esn = new nn.ESN(1, hidden, 1, {
    spectralRadius: 0.95,
    leakRate: 0.3,
    inputScaling: 0.5,
    sparsity: 0.9,
    generator: new nb.Generator(seed),
  });
  const trainMse = esn.fitRidge(xTrain, yTrain, { alpha: 1e-7, washout });
  log(
    `reservoir ${hidden} units, readout fitted on ${nTrain - washout} steps (train MSE ${trainMse.toExponential(2)}); backend ${backend}`,
  );

  // One step ahead: the reservoir state carried over from the training sequence, then the true
  // input at every test step.
  const { oneStep, forecast } = nb.noGrad(() => {
    const [, h] = esn.scan(xTrain);
    const [pred] = esn.scan(xTest, { state: h });
    // Closed loop: from the end of the training data, each prediction becomes the next input.
    let s = h;
    let x = xTest.select(1, 0); // [1, 1], the first unseen value
    const out = [];
    for (let t = 0; t < horizon; t++) {
      const [y, next] = esn.step(x, s);
      out.push(y.item());
      x = y;
      s = next;
    }
    return { oneStep: pred, forecast: nb.tensor(out) };
  });
  const oneStepNrmse = Math.sqrt(metrics.nmse(oneStep, yTest));
  const truth = yTest.flatten().narrow(0, 0, horizon);
  const freeNrmse = Math.sqrt(metrics.nmse(forecast, truth));
  const valid = validHorizon(forecast, truth, 0.2);

  if (opts.out !== null) {
    const file = path.join(opts.out ?? path.join('runs', 'esn'), 'forecast.svg');
    const show = Math.min(horizon, 300);
    train.savePlot(
      plot.lineChart(
        [
          { name: 'Mackey-Glass (truth)', y: truth.narrow(0, 0, show) },
          { name: 'ESN free-running forecast', y: forecast.narrow(0, 0, show), dashed: true },
        ],
        {
          title: 'Mackey-Glass τ=17: closed-loop ESN forecast',
          xLabel: 'steps after the training data',
          yLabel: 'standardized x(t)',
        },
      ),
      file,
    );
    log(`wrote ${file}`);
  }
  log(`one-step-ahead NRMSE on ${nTest} unseen steps: ${oneStepNrmse.toExponential(3)}`);
  log(
    `free-running forecast: NRMSE ${freeNrmse.toExponential(3)} over ${horizon} steps; stays within 0.2 std for ${valid} steps`,
  );
  log(`(${fmtTime(clock.read())})`);
  return { oneStepNrmse, freeNrmse, validSteps: valid };
}

/** Steps until the forecast first leaves the truth by more than `tol` (in series std units). */
function validHorizon(forecast, truth, tol) {
  const f = forecast.tolist();
  const t = truth.tolist();
  const k = f.findIndex((v, i) => Math.abs(v - t[i]) > tol);
  return k < 0 ? f.length : k;
}

if (isMain(import.meta.url)) await run(cliOptions());
