// The main job (`npm run demo`): a small CNN on the 8,000 embedded MNIST training digits, tested
// on the 2,000 held-out ones. Writes runs/mnist/model.safetensors, curves.svg and samples.svg.
//
//   node examples/mnist.js [--epochs 7] [--batch-size 64] [--lr 0.005] [--seed 1] [--kernel 3]
//                          [--shift 2] [--out runs/mnist] [--backend wasm|js]
import fs from 'node:fs';
import path from 'node:path';
import * as nb from 'nabla';
import { io, train } from 'nabla/node';
import { cliOptions, fmtTime, isMain, stopwatch, useFastestBackend } from './common.js';

const { nn, optim, data, plot, metrics } = nb;

/**
 * The network: two conv blocks (conv, 2x2 max pool, batch norm, ReLU) and a two-layer head.
 * Sized for a 2-core CPU. Pooling comes right after each conv, before batch norm and ReLU:
 * ReLU commutes with max pooling, and normalizing the pooled map instead of the full one changes
 * little, but the elementwise work at 28x28 (where each op costs 4x what it costs after pooling)
 * shrinks to the convolution alone.
 * @param {{ width?: number, kernel?: number, dropout?: number }} [opts]
 */
export function buildModel({ width = 32, kernel = 3, dropout = 0.2 } = {}) {
  const c1 = width / 2;
  const pad = (kernel - 1) / 2;
  return new nn.Sequential(
    new nn.Conv2d(1, c1, kernel, { padding: pad, bias: false }),
    new nn.MaxPool2d(2),
    new nn.BatchNorm2d(c1),
    new nn.ReLU(),
    new nn.Conv2d(c1, width, kernel, { padding: pad, bias: false }),
    new nn.MaxPool2d(2),
    new nn.BatchNorm2d(width),
    new nn.ReLU(),
    new nn.Flatten(),
    new nn.Dropout(dropout),
    new nn.Linear(width * 7 * 7, 128),
    new nn.ReLU(),
    new nn.Dropout(dropout),
    new nn.Linear(128, 10),
  );
}

/**
 * Shifts each image of `x: [N, C, H, W]` by its own random offset of up to `max` pixels in each
 * direction: zero-pad by `max`, then crop an `H x W` window at a random position.
 * @param {nb.Tensor} x
 * @param {number} max
 */
export function randomShift(x, max) {
  const [n, , h, w] = x.shape;
  const padded = nb.pad(x, [max, max, max, max]);
  const offsets = nb.randint(0, 2 * max + 1, [n, 2]).tolist();
  return nb.cat(
    offsets.map(([dy, dx], i) => padded.narrow(0, i, 1).narrow(2, dy, h).narrow(3, dx, w)),
    0,
  );
}

/**
 * Trains and tests the CNN; returns the held-out accuracy and what was written.
 * @param {object} [opts]
 * @param {number} [opts.epochs] passes over the training digits (default 7)
 * @param {number} [opts.batchSize] default 64
 * @param {number} [opts.lr] peak learning rate of the one-cycle schedule (default 0.005)
 * @param {number} [opts.pctStart] share of the steps spent warming up (default 0.15)
 * @param {number} [opts.seed] seeds weights, shuffling, dropout and augmentation (default 1)
 * @param {number} [opts.shift] max augmentation shift in pixels (default 2; 0 disables)
 * @param {number} [opts.width] channels of the second conv block (default 32)
 * @param {number} [opts.kernel] conv kernel size (default 3)
 * @param {number} [opts.dropout] dropout before each linear layer (default 0.2)
 * @param {number} [opts.trainLimit] use only the first N training digits (tests)
 * @param {number} [opts.testLimit] test on only the first N held-out digits (tests)
 * @param {string} [opts.out] output directory (default runs/mnist)
 * @param {'bar' | 'epoch' | 'silent'} [opts.progress] progress display (default: bar on a TTY)
 * @param {string} [opts.backend] 'wasm' or 'js' (default: the fastest available)
 */
export async function run(opts = {}) {
  const epochs = opts.epochs ?? 7;
  const batchSize = opts.batchSize ?? 64;
  const seed = opts.seed ?? 1;
  const shift = opts.shift ?? 2;
  const out = opts.out ?? path.join('runs', 'mnist');
  const quiet = opts.progress === 'silent';
  const log = quiet ? () => {} : console.log;
  const backend = await useFastestBackend(opts.backend);
  nb.manualSeed(seed);
  log(`backend ${backend}, seed ${seed}`);

  const clock = stopwatch();
  let { train: trainSet, test: testSet } = await data.datasets.mnist();
  if (opts.trainLimit) trainSet = limit(trainSet, opts.trainLimit);
  if (opts.testLimit) testSet = limit(testSet, opts.testLimit);
  log(`data: ${trainSet.labels.shape[0]} training digits, ${testSet.labels.shape[0]} held-out`);

  // Normalising with the training set's mean and std keeps the first layer's inputs centred.
  const mean = trainSet.images.mean().item();
  const std = trainSet.images.std().item();
  const norm = (x) => x.sub(mean).div(std);
  const loader = new data.DataLoader(new data.TensorDataset(trainSet.images, trainSet.labels), {
    batchSize,
    shuffle: true,
    dropLast: true,
    generator: new nb.Generator(seed),
  });
  // Augment on the fly: a fresh shift of every training digit in every epoch.
  const trainLoader = {
    length: loader.length,
    *[Symbol.iterator]() {
      for (const [x, y] of loader) yield [norm(shift > 0 ? randomShift(x, shift) : x), y];
    },
  };
  const testLoader = new data.DataLoader(new data.TensorDataset(norm(testSet.images), testSet.labels), {
    batchSize: 500,
  });

  const model = buildModel({ width: opts.width, kernel: opts.kernel, dropout: opts.dropout });
  const optimizer = new optim.AdamW(model.parameters(), { lr: opts.lr ?? 0.005, weightDecay: 1e-4 });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, opts.lr ?? 0.005, {
    epochs,
    stepsPerEpoch: loader.length,
    pctStart: opts.pctStart ?? 0.15,
  });
  const history = await train.fit(model, {
    loss: nn.functional.crossEntropy,
    optimizer,
    trainLoader,
    // The held-out digits are only watched per epoch (for the curves); nothing is selected on them.
    valLoader: testLoader,
    epochs,
    metrics: ['accuracy'],
    callbacks: [
      new train.LRSchedulerCallback(scheduler, { interval: 'batch' }),
      new train.ProgressBar({ mode: opts.progress }),
    ],
  });
  const trained = clock.read();

  const logits = await train.predict(model, testLoader);
  const accuracy = metrics.accuracy(logits, testSet.labels);
  const testLoss = nn.functional.crossEntropy(logits, testSet.labels).item();
  const finished = clock.read();

  const files = {
    model: path.join(out, 'model.safetensors'),
    curves: path.join(out, 'curves.svg'),
    samples: path.join(out, 'samples.svg'),
  };
  fs.mkdirSync(out, { recursive: true });
  io.save(model.stateDict(), files.model, {
    metadata: {
      example: 'mnist',
      seed: String(seed),
      testAccuracy: accuracy.toFixed(4),
      mean: String(mean),
      std: String(std),
    },
  });
  train.savePlot(
    plot.trainingCurves(history, {
      metrics: ['accuracy'],
      title: 'MNIST CNN (validation = the 2,000 held-out digits)',
    }),
    files.curves,
  );
  train.savePlot(samplesGrid(testSet, logits), files.samples);

  log(
    `\ntest accuracy ${(100 * accuracy).toFixed(2)}% on ${testSet.labels.shape[0]} held-out digits (loss ${testLoss.toFixed(4)})`,
  );
  log(`training ${fmtTime(trained)}; total ${fmtTime(finished)}`);
  log(`wrote ${files.model}, ${files.curves}, ${files.samples}`);
  return { accuracy, testLoss, seed, backend, history, files, time: finished, model };
}

/** The first 48 held-out digits, then up to 16 later misclassified ones, captioned "prediction (label)". */
function samplesGrid(testSet, logits) {
  const pred = logits.argmax(1);
  const wrong = pred.ne(testSet.labels).nonzero().flatten().tolist();
  const first = Math.min(48, testSet.labels.shape[0]);
  const idx = [...Array.from({ length: first }, (_, i) => i), ...wrong.filter((i) => i >= first).slice(0, 16)];
  const pick = nb.tensor(idx, { dtype: 'int32' });
  return plot.imageGrid(testSet.images.indexSelect(0, pick), {
    labels: testSet.labels.indexSelect(0, pick),
    predictions: pred.indexSelect(0, pick),
    cols: 16,
    title: `The first ${first} held-out digits, then misclassified ones: prediction (label), red = wrong (${wrong.length} of ${testSet.labels.shape[0]})`,
  });
}

function limit(set, n) {
  return { images: set.images.narrow(0, 0, n), labels: set.labels.narrow(0, 0, n) };
}

if (isMain(import.meta.url)) {
  const args = cliOptions();
  const result = await run(args);
  // The demo's promise: >= 98.0% with the default settings.
  if (Object.keys(args).length === 0 && result.accuracy < 0.98) {
    console.error('below the 98.0% target');
    process.exitCode = 1;
  }
}
