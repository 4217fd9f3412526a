import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import {
  checkGradDType,
  creationDType,
  describe,
  finish,
  shapeArg,
  toInt32,
  toTyped,
  type CreateOptions,
  type ShapeArg,
} from './args.js';
import { allocate, checkDType, dtypeOfArray, type DType } from './dtype.js';
import { numelOf, type Shape } from './shape.js';
import { Tensor, fromArray } from './tensor.js';

export type { CreateOptions, ShapeArg } from './args.js';

/** Nested JS arrays of numbers, booleans or bigints (typed arrays may stand for inner lists). */
export type NestedArray = number | boolean | bigint | readonly NestedArray[] | ArrayLike<number>;

/** What `tensor()` accepts: a number, a boolean, nested arrays, a typed array, or a tensor. */
export type TensorData = NestedArray | ArrayLike<number> | BigInt64Array | BigUint64Array | Tensor;

function isSequence(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

// The shape is read off the first element at each depth; `fill` then checks every element.
function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let cur = data;
  while (isSequence(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

interface Leaves {
  values: (number | bigint)[];
  bools: number;
  bigints: number;
}

function at(path: readonly number[]): string {
  return `[${path.join(', ')}]`;
}

function leaf(v: unknown, shape: readonly number[], out: Leaves, path: readonly number[]): void {
  if (typeof v === 'number') out.values.push(v);
  else if (typeof v === 'boolean') {
    out.bools++;
    out.values.push(v ? 1 : 0);
  } else if (typeof v === 'bigint') {
    out.bigints++;
    out.values.push(v);
  } else if (isSequence(v)) {
    throw new ShapeError(
      'tensor',
      `expected a sequence of shape ${fmtShape(shape)}, got a nested sequence at index ${at(path)}`,
    );
  } else throw new DTypeError('tensor', `expected numbers or booleans, got ${describe(v)} at index ${at(path)}`);
}

// Collects the leaves in row-major order, checking every sub-list against `shape`. `path` is
// the index of the current sub-list (mutated in place; copied only into error messages).
function fill(data: unknown, shape: readonly number[], dim: number, out: Leaves, path: number[]): void {
  if (!isSequence(data) || data.length !== shape[dim]) {
    const got = isSequence(data) ? `length ${data.length}` : `a scalar (${describe(data)})`;
    throw new ShapeError(
      'tensor',
      `expected a sequence of length ${shape[dim]} at dim ${dim} (index ${at(path)}), got ${got}`,
    );
  }
  const last = dim === shape.length - 1;
  path.push(0);
  for (let i = 0; i < data.length; i++) {
    path[dim] = i;
    if (last) leaf(data[i], shape, out, path);
    else fill(data[i], shape, dim + 1, out, path);
  }
  path.pop();
}

/**
 * Creates a tensor from a number, a boolean, nested arrays, a typed array, or another tensor
 * (copied and detached). Numbers give `float32` (JS does not tell 1 from 1.0), all-boolean
 * data gives `bool`, bigints give `int32`, and typed arrays keep their element type (integer
 * arrays become `int32`), unless `dtype` says otherwise. The data is always copied.
 * @example
 * nb.tensor([[1, 2], [3, 4]]);                 // float32 [2, 2]
 * nb.tensor([1, 2, 3], { dtype: 'int32' });
 * nb.tensor(new Float64Array([0.5, 1.5]));      // float64 [2]
 */
export function tensor(data: TensorData, opts?: CreateOptions): Tensor {
  const want = opts?.dtype === undefined ? undefined : checkDType('tensor', opts.dtype);
  if (data instanceof Tensor) {
    const dtype = want ?? data.dtype;
    checkGradDType('tensor', dtype, opts);
    const src = data.data();
    const copy = dtype === data.dtype ? src : toTyped('tensor', src, dtype);
    return finish(fromArray(copy, [...data.shape], dtype), opts);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const arr = data as unknown as ArrayLike<number | bigint>;
    const dtype = want ?? dtypeOfArray(data) ?? 'float32';
    checkGradDType('tensor', dtype, opts);
    return finish(fromArray(toTyped('tensor', arr, dtype), [arr.length], dtype), opts);
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    throw new DTypeError(
      'tensor',
      `expected a number, a boolean, nested arrays or a typed array, got ${describe(data)}`,
    );
  }
  const shape = inferShape(data);
  const leaves: Leaves = { values: [], bools: 0, bigints: 0 };
  if (shape.length === 0) leaf(data, shape, leaves, []);
  else fill(data, shape, 0, leaves, []);
  const n = leaves.values.length;
  const inferred: DType =
    n > 0 && leaves.bools === n ? 'bool' : n > 0 && leaves.bools + leaves.bigints === n ? 'int32' : 'float32';
  const dtype = want ?? inferred;
  checkGradDType('tensor', dtype, opts);
  return finish(fromArray(toTyped('tensor', leaves.values, dtype), shape, dtype), opts);
}

function fullImpl(op: string, shape: ShapeArg, value: number | boolean, opts: CreateOptions | undefined): Tensor {
  const s = shapeArg(op, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new DTypeError(op, `expected a number or boolean fill value, got ${describe(value)}`);
  }
  const dtype = creationDType(op, opts, typeof value === 'boolean' ? 'bool' : 'float32');
  const data = allocate(dtype, numelOf(s));
  const num = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  const v = dtype === 'int32' ? toInt32(op, num, ' as fill value') : dtype === 'bool' ? (num !== 0 ? 1 : 0) : num;
  if (v !== 0 || Object.is(v, -0)) data.fill(v);
  return finish(fromArray(data, s, dtype), opts);
}

/**
 * A tensor of `shape` filled with `value` (`float32` for numbers, `bool` for booleans).
 * @example nb.full([2, 3], 7);
 */
export function full(shape: ShapeArg, value: number | boolean, opts?: CreateOptions): Tensor {
  return fullImpl('full', shape, value, opts);
}

/** A tensor of zeros. @example nb.zeros([2, 3]) */
export function zeros(shape: ShapeArg, opts?: CreateOptions): Tensor {
  return fullImpl('zeros', shape, 0, opts);
}

/** A tensor of ones. @example nb.ones([3], { dtype: 'float64' }) */
export function ones(shape: ShapeArg, opts?: CreateOptions): Tensor {
  return fullImpl('ones', shape, 1, opts);
}

/**
 * A tensor whose values are unspecified. nabla's memory is always zeroed, so this equals
 * `zeros`, but code should not rely on that.
 * @example const buf = nb.empty([4, 4]);
 */
export function empty(shape: ShapeArg, opts?: CreateOptions): Tensor {
  return fullImpl('empty', shape, 0, opts);
}

/** Zeros with `like`'s shape and (unless given) dtype. @example nb.zerosLike(x) */
export function zerosLike(like: Tensor, opts?: CreateOptions): Tensor {
  return fullImpl('zerosLike', like.shape, 0, { dtype: like.dtype, ...opts });
}

/** Ones with `like`'s shape and (unless given) dtype. @example nb.onesLike(x) */
export function onesLike(like: Tensor, opts?: CreateOptions): Tensor {
  return fullImpl('onesLike', like.shape, 1, { dtype: like.dtype, ...opts });
}

/** `value` everywhere, with `like`'s shape and (unless given) dtype. @example nb.fullLike(x, 0.5) */
export function fullLike(like: Tensor, value: number | boolean, opts?: CreateOptions): Tensor {
  return fullImpl('fullLike', like.shape, value, { dtype: like.dtype, ...opts });
}

/** Uninitialized (in practice zeroed) tensor with `like`'s shape and dtype. @example nb.emptyLike(x) */
export function emptyLike(like: Tensor, opts?: CreateOptions): Tensor {
  return fullImpl('emptyLike', like.shape, 0, { dtype: like.dtype, ...opts });
}

/** A 0-d tensor holding a JS scalar, in `dtype` (used to lift scalars into ops). */
export function scalarTensor(value: number | boolean, dtype: DType): Tensor {
  return fullImpl('scalarTensor', [], value, { dtype });
}

/**
 * The `n x m` identity matrix: ones on the main diagonal, zeros elsewhere (`m` defaults to `n`).
 * @example nb.eye(3); nb.eye(2, 4, { dtype: 'int32' });
 */
export function eye(n: number, m?: number | CreateOptions, opts?: CreateOptions): Tensor {
  if (typeof m === 'object') return eye(n, undefined, m);
  const cols = m ?? n;
  for (const [name, v] of [
    ['n', n],
    ['m', cols],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError('eye', `expected ${name} to be a non-negative integer, got ${v}`);
  }
  const dtype = creationDType('eye', opts, 'float32');
  const data = allocate(dtype, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  return finish(fromArray(data, [n, cols], dtype), opts);
}

export type { Shape };
