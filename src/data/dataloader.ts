// DataLoader: batches of a map-style dataset in a sampler's order, merged by a collate
// function (torch.utils.data.DataLoader, single process). Iterating it starts an epoch.
import { DTypeError, ValueError } from '../errors.js';
import { generatorOf, type Generator } from '../tensor/generator.js';
import { defaultCollate, type Collated } from './collate.js';
import { itemsOf, lengthOf, type DatasetLike } from './dataset.js';
import { BatchSampler, RandomSampler, SequentialSampler, type Sampler } from './samplers.js';

/** Options of `DataLoader`, with PyTorch's defaults. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit samples in a new random order every epoch (default false). */
  shuffle?: boolean;
  /** A custom order of sample indices (excludes `shuffle`). */
  sampler?: Sampler;
  /** A custom grouping of indices into batches (excludes batchSize, shuffle, sampler, dropLast). */
  batchSampler?: Sampler<number[]>;
  /** Skip the last batch when it is shorter than `batchSize` (default false). */
  dropLast?: boolean;
  /** Merges a list of samples into a batch (default `defaultCollate`). */
  collateFn?: (samples: Awaited<T>[]) => B;
  /** Randomness of `shuffle`; the global generator (seeded by `manualSeed`) when omitted. */
  generator?: Generator;
}

/**
 * Iterates a dataset in batches: `for (const batch of loader)` runs one epoch, and
 * `for await (const batch of loader)` does the same for datasets whose `getItem` returns
 * Promises. With `shuffle`, each epoch has a new order; a seeded `generator` makes the
 * sequence of epochs reproducible.
 * @example
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), {
 *   batchSize: 32, shuffle: true, generator: new nb.Generator(0),
 * });
 * for (const [xb, yb] of loader) { ... } // xb: [32, ...], yb: [32]
 */
export class DataLoader<T, B = Collated<Awaited<T>>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: DatasetLike<T>;
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly sampler: Sampler | null;
  readonly batchSampler: Sampler<number[]>;
  readonly collateFn: (samples: Awaited<T>[]) => B;

  constructor(dataset: DatasetLike<T>, opts: DataLoaderOptions<T, B> = {}) {
    const op = 'DataLoader';
    const n = lengthOf(op, dataset);
    const shuffle = opts.shuffle ?? false;
    if (typeof shuffle !== 'boolean')
      throw new DTypeError(op, `expected shuffle to be a boolean, got ${String(shuffle)}`);
    generatorOf(op, opts);
    if (opts.sampler != null && shuffle) {
      throw new ValueError(
        op,
        'expected either sampler or shuffle (sampler option is mutually exclusive with shuffle), got both',
      );
    }
    if (opts.batchSampler != null) {
      if (opts.batchSize !== undefined || shuffle || opts.sampler != null || opts.dropLast) {
        throw new ValueError(
          op,
          'expected batchSampler alone (batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last), got it with one of them',
        );
      }
      this.batchSampler = opts.batchSampler;
      this.batchSize = null;
      this.dropLast = false;
      this.sampler = null;
    } else {
      this.sampler =
        opts.sampler ?? (shuffle ? new RandomSampler(n, { generator: opts.generator }) : new SequentialSampler(n));
      this.batchSize = opts.batchSize ?? 1;
      this.dropLast = opts.dropLast ?? false;
      this.batchSampler = new BatchSampler(this.sampler, this.batchSize, this.dropLast);
    }
    if (opts.collateFn !== undefined && typeof opts.collateFn !== 'function') {
      throw new DTypeError(op, `expected collateFn to be a function, got ${typeof opts.collateFn}`);
    }
    this.dataset = dataset;
    this.collateFn = opts.collateFn ?? (defaultCollate as unknown as (samples: Awaited<T>[]) => B);
  }

  /** Number of batches per epoch. */
  get length(): number {
    return this.batchSampler.length;
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const indices of this.batchSampler) {
      const samples = itemsOf(this.dataset, indices);
      if (samples.some(isPromise)) {
        throw new DTypeError(
          'DataLoader',
          'expected synchronous samples, got a Promise from the dataset (iterate with `for await (const batch of loader)`)',
        );
      }
      yield this.collateFn(samples as Awaited<T>[]);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const indices of this.batchSampler) {
      const samples = await Promise.all(itemsOf(this.dataset, indices));
      yield this.collateFn(samples);
    }
  }
}

function isPromise(v: unknown): boolean {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}
