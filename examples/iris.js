// Fisher's Iris flowers: a 4-16-3 MLP on standardized features, trained with train.fit, tested
// on 30 held-out flowers (10 per species, stratified).
//
//   node examples/iris.js [--epochs 100] [--seed 0]
import * as nb from 'nabla';
import { train } from 'nabla/node';
import { cliOptions, isMain } from './common.js';

const { nn, optim, data, metrics } = nb;

/**
 * Trains the MLP and returns the test accuracy and confusion matrix.
 * @param {{ epochs?: number, seed?: number, quiet?: boolean }} [opts]
 */
export async function run(opts = {}) {
  const epochs = opts.epochs ?? 100;
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : console.log;
  nb.manualSeed(seed);
  const iris = data.datasets.iris({ testFraction: 0.2, seed });
  const [xTrain, yTrain] = iris.train;
  const [xTest, yTest] = iris.test;
  log(`${xTrain.shape[0]} training flowers, ${xTest.shape[0]} test flowers; features: ${iris.featureNames.join(', ')}`);

  // Statistics come from the training flowers only, then are applied to both halves.
  const scaler = new data.StandardScaler().fit(xTrain);
  const loader = new data.DataLoader(new data.TensorDataset(scaler.transform(xTrain), yTrain), {
    batchSize: 16,
    shuffle: true,
    generator: new nb.Generator(seed),
  });
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const history = await train.fit(model, {
    loss: nn.functional.crossEntropy,
    optimizer,
    trainLoader: loader,
    epochs,
    metrics: ['accuracy'],
  });
  const last = history.epochs.at(-1);

  const logits = train.predict(model, scaler.transform(xTest));
  const accuracy = metrics.accuracy(logits, yTest);
  const cm = metrics.confusionMatrix(logits, yTest, { numClasses: 3 });
  log(
    `after ${epochs} epochs: train loss ${last.trainLoss.toFixed(4)}, train accuracy ${(100 * last.metrics.accuracy).toFixed(1)}%`,
  );
  log('confusion matrix (rows: true species, columns: predicted):');
  cm.tolist().forEach((row, i) =>
    log(`  ${iris.classNames[i].padEnd(16)} ${row.map((v) => String(v).padStart(3)).join('')}`),
  );
  log(`test accuracy ${(100 * accuracy).toFixed(1)}% (${Math.round(accuracy * xTest.shape[0])}/${xTest.shape[0]})`);
  return { accuracy, trainLoss: last.trainLoss, confusion: cm.tolist() };
}

if (isMain(import.meta.url)) {
  const { accuracy } = await run(cliOptions());
  if (accuracy <= 0.95) process.exitCode = 1;
}
