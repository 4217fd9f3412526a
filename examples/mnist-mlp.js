// MNIST with a multilayer perceptron: the 28x28 digits flattened to 784 inputs, two hidden
// layers, trained on the 8,000 embedded training digits and tested on the 2,000 held-out ones.
// A baseline for the CNN of examples/mnist.js (the demo).
//
//   node examples/mnist-mlp.js [--epochs 15] [--seed 0]
import * as nb from 'nabla';
import { train } from 'nabla/node';
import { cliOptions, fmtTime, isMain, stopwatch, useFastestBackend } from './common.js';

const { nn, optim, data, metrics } = nb;

/**
 * Trains the MLP; returns the held-out accuracy.
 * @param {{ epochs?: number, batchSize?: number, seed?: number, trainLimit?: number,
 *   testLimit?: number, quiet?: boolean, backend?: string }} [opts]
 */
export async function run(opts = {}) {
  const epochs = opts.epochs ?? 15;
  const batchSize = opts.batchSize ?? 64;
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : console.log;
  const backend = await useFastestBackend(opts.backend);
  nb.manualSeed(seed);
  const clock = stopwatch();

  let { train: trainSet, test: testSet } = await data.datasets.mnist({ flatten: true });
  const head = (set, n) => (n ? { images: set.images.narrow(0, 0, n), labels: set.labels.narrow(0, 0, n) } : set);
  trainSet = head(trainSet, opts.trainLimit);
  testSet = head(testSet, opts.testLimit);
  const mean = trainSet.images.mean().item();
  const std = trainSet.images.std().item();
  const norm = (x) => x.sub(mean).div(std);
  log(
    `${trainSet.labels.shape[0]} training digits, ${testSet.labels.shape[0]} held-out; backend ${backend}, seed ${seed}`,
  );

  const trainLoader = new data.DataLoader(new data.TensorDataset(norm(trainSet.images), trainSet.labels), {
    batchSize,
    shuffle: true,
    generator: new nb.Generator(seed),
  });
  const testLoader = new data.DataLoader(new data.TensorDataset(norm(testSet.images), testSet.labels), {
    batchSize: 1000,
  });
  const model = new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Dropout(0.3),
    new nn.Linear(128, 10),
  );
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
  const scheduler = new optim.lrScheduler.CosineAnnealingLR(optimizer, epochs);
  await train.fit(model, {
    loss: nn.functional.crossEntropy,
    optimizer,
    scheduler,
    trainLoader,
    epochs,
    metrics: ['accuracy'],
    callbacks: [new train.ProgressBar({ mode: opts.quiet ? 'silent' : undefined })],
  });

  const logits = await train.predict(model, testLoader);
  const accuracy = metrics.accuracy(logits, testSet.labels);
  log(
    `test accuracy ${(100 * accuracy).toFixed(2)}% on ${testSet.labels.shape[0]} held-out digits (${fmtTime(clock.read())})`,
  );
  return { accuracy };
}

if (isMain(import.meta.url)) await run(cliOptions());
