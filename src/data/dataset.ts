// Map-style datasets, as torch.utils.data: something with a length and an item per index.
// Indices may be negative (counted from the end), as PyTorch's tensor-backed datasets allow.
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** The shape of a map-style dataset; `Dataset` subclasses and hand-written objects both fit. */
export interface MapDataset<T> {
  /** Number of samples. */
  readonly length: number;
  /** The sample at `index`. */
  getItem(index: number): T;
  /** Several samples at once, when a batched read is faster (PyTorch's `__getitems__`). */
  getItems?(indices: readonly number[]): T[];
}

/** Anything the loaders and splits accept: a dataset or a plain array of samples. */
export type DatasetLike<T> = MapDataset<T> | readonly T[];

/**
 * A map-style dataset: `length` samples, fetched by index with `getItem`. Subclass it and
 * implement both (PyTorch's `__len__` and `__getitem__`). `getItem` may return a Promise; such
 * a dataset is then iterated with `for await` over a `DataLoader`.
 * @example
 * class Squares extends data.Dataset<[number, number]> {
 *   get length() { return 10; }
 *   getItem(i: number): [number, number] { return [i, i * i]; }
 * }
 */
export abstract class Dataset<T> implements MapDataset<T> {
  /** Number of samples. */
  abstract get length(): number;
  /** The sample at `index` (0 <= index < length). */
  abstract getItem(index: number): T;
  /** Several samples at once (PyTorch's `__getitems__`); override when a batched read is faster. */
  getItems(indices: readonly number[]): T[] {
    return indices.map((i) => this.getItem(i));
  }
}

/** Number of samples of a dataset or array. */
export function lengthOf(op: string, ds: DatasetLike<unknown>): number {
  if (Array.isArray(ds)) return ds.length;
  const d = ds as { length?: unknown; getItem?: unknown } | null;
  if (d !== null && typeof d === 'object' && typeof d.getItem === 'function' && Number.isInteger(d.length)) {
    return d.length as number;
  }
  throw new DTypeError(op, `expected a Dataset or an array of samples, got ${d === null ? 'null' : typeof d}`);
}

/** Fetches one sample of a dataset or array (no range check; callers check). */
export function itemOf<T>(ds: DatasetLike<T>, index: number): T {
  return Array.isArray(ds) ? (ds as readonly T[])[index] : (ds as MapDataset<T>).getItem(index);
}

/** Fetches several samples, through `getItems` when the dataset has one. */
export function itemsOf<T>(ds: DatasetLike<T>, indices: readonly number[]): T[] {
  if (Array.isArray(ds)) return indices.map((i) => (ds as readonly T[])[i]);
  const d = ds as MapDataset<T>;
  return typeof d.getItems === 'function' ? d.getItems(indices) : indices.map((i) => d.getItem(i));
}

/** `index` checked against `n` and wrapped when negative. */
export function checkIndex(op: string, index: number, n: number): number {
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError(op, `expected index in range [${-n}, ${n - 1}], got ${index}`);
  }
  return index < 0 ? index + n : index;
}

/**
 * A dataset of tensors sharing their first dimension: sample `i` is `[t0[i], t1[i], ...]`
 * (views, no copy), as `torch.utils.data.TensorDataset`.
 * @example
 * const ds = new data.TensorDataset(nb.randn([100, 4]), nb.randint(3, [100]));
 * const [x, y] = ds.getItem(0); // x: [4], y: []
 */
export class TensorDataset extends Dataset<Tensor[]> {
  /** The tensors, in the order samples list them. */
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    const op = 'TensorDataset';
    if (tensors.length === 0) throw new ValueError(op, 'expected at least one tensor, got none');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new DTypeError(op, `expected tensor ${i} to be a Tensor, got ${typeof t}`);
      if (t.ndim === 0)
        throw new ShapeError(op, `expected tensor ${i} to have at least one dimension, got a 0-d tensor`);
    });
    const n = tensors[0].shape[0];
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new ShapeError(
        op,
        `expected every tensor to have size ${n} in dim 0 (Size mismatch between tensors), got ${fmtShape(tensors[bad].shape)} for tensor ${bad}`,
        tensors.map((t) => t.shape),
      );
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  getItem(index: number): Tensor[] {
    const i = checkIndex('TensorDataset.getItem', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (`torch.utils.data.Subset`).
 * @example const firstTen = new data.Subset(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: DatasetLike<T>;
  readonly indices: readonly number[];

  constructor(dataset: DatasetLike<T>, indices: readonly number[]) {
    super();
    const n = lengthOf('Subset', dataset);
    this.indices = indices.map((i) => checkIndex('Subset', i, n));
    this.dataset = dataset;
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T {
    return itemOf(this.dataset, this.indices[checkIndex('Subset.getItem', index, this.indices.length)]);
  }

  override getItems(indices: readonly number[]): T[] {
    const n = this.indices.length;
    return itemsOf(
      this.dataset,
      indices.map((i) => this.indices[checkIndex('Subset.getItems', i, n)]),
    );
  }
}

/**
 * Several datasets one after another (`torch.utils.data.ConcatDataset`).
 * @example const all = new data.ConcatDataset([trainA, trainB]); // all.length = a + b
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly DatasetLike<T>[];
  /** Running totals of the datasets' lengths (PyTorch's `cumulative_sizes`). */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly DatasetLike<T>[]) {
    super();
    if (!Array.isArray(datasets as unknown) || datasets.length === 0) {
      throw new ValueError(
        'ConcatDataset',
        'expected a non-empty list of datasets (datasets should not be an empty iterable), got none',
      );
    }
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += lengthOf('ConcatDataset', d)));
    this.datasets = datasets;
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  getItem(index: number): T {
    const i = checkIndex('ConcatDataset.getItem', index, this.length);
    // Binary search for the first running total above i.
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1];
    return itemOf(this.datasets[lo], i - start);
  }
}
