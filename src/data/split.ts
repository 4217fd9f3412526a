// Random splits and k-fold cross-validation indices.
import { ValueError } from '../errors.js';
import { generatorOf, type GeneratorOptions } from '../tensor/generator.js';
import { Subset, lengthOf, type DatasetLike } from './dataset.js';
import { permutation } from './samplers.js';

/**
 * Splits a dataset into non-overlapping random subsets (`torch.utils.data.random_split`).
 * `lengths` are sizes summing to the dataset's length, or fractions summing to 1: each gets
 * floor(f * n) samples and the remainder is handed out one by one, round-robin from the first.
 * @example
 * const [train, val] = data.randomSplit(ds, [0.8, 0.2], { generator: new nb.Generator(42) });
 */
export function randomSplit<T>(
  dataset: DatasetLike<T>,
  lengths: readonly number[],
  opts: GeneratorOptions = {},
): Subset<T>[] {
  const op = 'randomSplit';
  const n = lengthOf(op, dataset);
  const g = generatorOf(op, opts);
  if (!Array.isArray(lengths as unknown) || lengths.length === 0)
    throw new ValueError(op, 'expected a non-empty list of lengths, got none');
  lengths.forEach((l, i) => {
    if (!(l >= 0) || !Number.isFinite(l))
      throw new ValueError(op, `expected non-negative lengths, got ${l} at index ${i}`);
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes = [...lengths];
  if (Math.abs(total - 1) < 1e-9 && total <= 1 + 1e-12) {
    // Fractions, as PyTorch: floor each share, then spread the remainder round-robin.
    sizes = lengths.map((f) => Math.floor(n * f));
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]++;
  } else if (!lengths.every(Number.isInteger) || total !== n) {
    throw new ValueError(
      op,
      `expected lengths summing to the dataset's length ${n} or fractions summing to 1 (Sum of input lengths does not equal the length of the input dataset!), got [${lengths.join(', ')}]`,
    );
  }
  const perm = permutation(n, g);
  let start = 0;
  return sizes.map((size) => new Subset(dataset, perm.slice(start, (start += size))));
}

/** One fold of `kFold`: indices to train on and indices to validate on. */
export interface Fold {
  train: number[];
  val: number[];
}

/** Options of `kFold`. */
export interface KFoldOptions extends GeneratorOptions {
  /** Shuffle the indices before cutting them into folds (default false). */
  shuffle?: boolean;
}

/**
 * K-fold cross-validation indices, as scikit-learn's `KFold`: `0 .. n-1` (shuffled if asked)
 * is cut into `k` consecutive folds, the first `n % k` of them one sample larger; fold i
 * validates on its own indices and trains on all the others (in ascending order). Every index
 * is validated on exactly once.
 * @example
 * for (const { train, val } of data.kFold(ds.length, 5, { shuffle: true, generator })) {
 *   const trainSet = new data.Subset(ds, train), valSet = new data.Subset(ds, val);
 * }
 */
export function kFold(n: number, k: number, opts: KFoldOptions = {}): Fold[] {
  const op = 'kFold';
  if (!Number.isInteger(n) || n < 0) throw new ValueError(op, `expected n to be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 2) {
    throw new ValueError(
      op,
      `expected k >= 2 (k-fold cross-validation requires at least one train/test split), got k=${k}`,
    );
  }
  if (k > n) {
    throw new ValueError(op, `expected k <= n (cannot have more folds than samples), got k=${k} and n=${n}`);
  }
  const g = generatorOf(op, opts);
  const order = opts.shuffle ? permutation(n, g) : Array.from({ length: n }, (_, i) => i);
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const val = order.slice(start, start + size);
    const inVal = new Uint8Array(n);
    for (const i of val) inVal[i] = 1;
    const train: number[] = [];
    for (let i = 0; i < n; i++) if (!inVal[i]) train.push(i);
    folds.push({ train, val });
    start += size;
  }
  return folds;
}
