// PyTorch's default_collate, for JS values. Python tells ints from floats and collates them to
// int64 and float64; JS numbers carry no such difference, so numbers become float32 (as
// `nb.tensor` does), bigints int32 and booleans bool. Picking int32 when a batch happens to
// hold whole numbers would make the dtype depend on the data (a regression target batch of
// counts would flip dtypes between batches), so class labels that arrive as numbers need
// `.int()` or a dataset that returns int32 tensors.
import { DTypeError, ShapeError } from '../errors.js';
import { stack } from '../ops/shape.js';
import { tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** The batch `defaultCollate` makes from samples of type `T`. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | bigint | ArrayBufferView
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : never;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return 'Tensor';
  if (Array.isArray(v)) return 'array';
  if (ArrayBuffer.isView(v)) return 'typed array';
  return typeof v;
}

function collate(samples: readonly unknown[], path: string): unknown {
  const op = 'defaultCollate';
  const first = samples[0];
  const k = kind(first);
  const bad = samples.findIndex((s) => kind(s) !== k);
  if (bad >= 0) {
    throw new DTypeError(
      op,
      `expected every sample${path} to be a ${k} like sample 0, got a ${kind(samples[bad])} in sample ${bad}`,
    );
  }
  switch (k) {
    case 'Tensor':
      return stack(samples as Tensor[], 0);
    case 'number':
      return tensor(samples as number[]);
    case 'boolean':
      return tensor(samples as boolean[]);
    case 'bigint':
      return tensor(samples as bigint[], { dtype: 'int32' });
    case 'typed array':
      return stack(
        samples.map((s) => tensor(s as ArrayLike<number>)),
        0,
      );
    case 'string':
      return [...samples];
    case 'array': {
      const n = (first as unknown[]).length;
      const odd = samples.findIndex((s) => (s as unknown[]).length !== n);
      if (odd >= 0) {
        throw new ShapeError(
          op,
          `expected each element in list of batch to be of equal size, got length ${(samples[odd] as unknown[]).length} in sample ${odd} and ${n} in sample 0${path ? ` at ${path}` : ''}`,
        );
      }
      // Transposed, as PyTorch does for tuples: [[x0, y0], [x1, y1]] -> [collate([x0, x1]), collate([y0, y1])].
      return Array.from({ length: n }, (_, i) =>
        collate(
          samples.map((s) => (s as unknown[])[i]),
          `${path}[${i}]`,
        ),
      );
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(first as object)) {
        const missing = samples.findIndex((s) => !Object.hasOwn(s as object, key));
        if (missing >= 0)
          throw new DTypeError(op, `expected every sample${path} to have key '${key}', got none in sample ${missing}`);
        Object.defineProperty(out, key, {
          value: collate(
            samples.map((s) => (s as Record<string, unknown>)[key]),
            `${path}.${key}`,
          ),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      throw new DTypeError(
        op,
        `expected samples${path} made of tensors, typed arrays, numbers, booleans, strings, arrays or objects (default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists), got ${k}`,
      );
  }
}

/**
 * Merges a list of samples into a batch, as `torch.utils.data.default_collate`: tensors are
 * stacked along a new dim 0, numbers and booleans become 1-D tensors, typed arrays become
 * stacked tensors, strings stay a list, and arrays (tuples) and objects are collated field by
 * field, keeping their structure.
 * @example
 * data.defaultCollate([{ x: nb.zeros([3]), y: 1 }, { x: nb.ones([3]), y: 0 }]);
 * // { x: Tensor [2, 3], y: Tensor [2] float32 }
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (!Array.isArray(samples as unknown) || samples.length === 0) {
    throw new ShapeError(
      'defaultCollate',
      `expected a non-empty list of samples, got ${Array.isArray(samples) ? 'an empty list' : kind(samples)}`,
    );
  }
  return collate(samples, '') as Collated<T>;
}
