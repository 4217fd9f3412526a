import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate, checkDType, dtypeOfArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { checkShape, type Shape } from './shape.js';
import { fromArray, type Tensor } from './tensor.js';

/** Options accepted by every creation function. */
export interface CreateOptions {
  /** Element type; `float32` unless the input says otherwise. */
  dtype?: DType;
  /** Make the new tensor a leaf that records gradients. */
  requiresGrad?: boolean;
}

/** Nested JS arrays of numbers or booleans, of any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** What `tensor()` accepts: a number, a boolean, nested arrays, or a typed array (1-D). */
export type TensorData = NestedArray | ArrayLike<number>;

function finish(t: Tensor, opts: CreateOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Normalizes a shape argument given as a list or a single size. */
export function shapeArg(op: string, shape: number | readonly number[]): number[] {
  return checkShape(op, typeof shape === 'number' ? [shape] : shape);
}

// Walks nested arrays once to find the shape, refusing ragged input with the path of the
// offending element.
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function fill(data: NestedArray, shape: number[], dim: number, out: number[], path: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) {
      throw new ShapeError(
        'tensor',
        `expected a sequence of shape ${fmtShape(shape)}, got a nested list at index [${path.join(', ')}]`,
      );
    }
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new DTypeError('tensor', `expected numbers or booleans, got ${typeof data} at index [${path.join(', ')}]`);
    }
    out.push(typeof data === 'boolean' ? (data ? 1 : 0) : data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    const got = Array.isArray(data) ? `length ${data.length}` : 'a scalar';
    throw new ShapeError(
      'tensor',
      `expected a sequence of length ${shape[dim]} at dim ${dim} (index [${path.join(', ')}]), got ${got}`,
    );
  }
  for (let i = 0; i < data.length; i++) fill(data[i], shape, dim + 1, out, [...path, i]);
}

function firstLeaf(data: NestedArray): number | boolean | undefined {
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    if (cur.length === 0) return undefined;
    cur = cur[0];
  }
  return cur as number | boolean;
}

function toTyped(op: string, values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v))
        throw new ValueError(op, `expected finite values for dtype int32, got ${v} at flat index ${i}`);
      out[i] = v;
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else out.set(values);
  return out;
}

/**
 * Creates a tensor from a number, a boolean, nested arrays, or a typed array. Numbers give
 * `float32` (JS does not tell 1 from 1.0), booleans give `bool`, and typed arrays keep their
 * element type, unless `dtype` says otherwise. The data is copied.
 * @example
 * nb.tensor([[1, 2], [3, 4]]);                 // float32 [2, 2]
 * nb.tensor([1, 2, 3], { dtype: 'int32' });
 * nb.tensor(new Float64Array([0.5, 1.5]));      // float64 [2]
 */
export function tensor(data: TensorData, opts?: CreateOptions): Tensor {
  if (opts?.dtype !== undefined) checkDType('tensor', opts.dtype);
  if (ArrayBuffer.isView(data) || (typeof data === 'object' && data !== null && !Array.isArray(data))) {
    const arr = data as ArrayLike<number>;
    const dtype = opts?.dtype ?? dtypeOfArray(arr) ?? 'float32';
    return finish(fromArray(toTyped('tensor', arr, dtype), [arr.length], dtype), opts);
  }
  const nested = data as NestedArray;
  const shape = inferShape(nested);
  const flat: number[] = [];
  fill(nested, shape, 0, flat, []);
  const dtype = opts?.dtype ?? (typeof firstLeaf(nested) === 'boolean' ? 'bool' : 'float32');
  return finish(fromArray(toTyped('tensor', flat, dtype), shape, dtype), opts);
}

/**
 * A tensor of `shape` filled with `value`.
 * @example nb.full([2, 3], 7);
 */
export function full(shape: number | readonly number[], value: number | boolean, opts?: CreateOptions): Tensor {
  const s = shapeArg('full', shape);
  const dtype = opts?.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const n = s.reduce((a, b) => a * b, 1);
  if (dtype === 'int32' && !Number.isFinite(value as number)) {
    throw new ValueError('full', `expected a finite fill value for dtype int32, got ${value}`);
  }
  const data = allocate(checkDType('full', dtype), n);
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  if (v !== 0) data.fill(v);
  return finish(fromArray(data, s, dtype), opts);
}

/** A tensor of zeros. @example nb.zeros([2, 3]) */
export function zeros(shape: number | readonly number[], opts?: CreateOptions): Tensor {
  return full(shape, 0, { dtype: 'float32', ...opts });
}

/** A tensor of ones. @example nb.ones([3], { dtype: 'float64' }) */
export function ones(shape: number | readonly number[], opts?: CreateOptions): Tensor {
  return full(shape, 1, { dtype: 'float32', ...opts });
}

/**
 * A tensor whose values are unspecified. nabla's memory is always zeroed, so this equals
 * `zeros`, but code should not rely on that.
 */
export function empty(shape: number | readonly number[], opts?: CreateOptions): Tensor {
  return zeros(shape, opts);
}

/** Zeros with `like`'s shape and (unless given) dtype. */
export function zerosLike(like: Tensor, opts?: CreateOptions): Tensor {
  return full(like.shape, 0, { dtype: like.dtype, ...opts });
}

/** Ones with `like`'s shape and (unless given) dtype. */
export function onesLike(like: Tensor, opts?: CreateOptions): Tensor {
  return full(like.shape, 1, { dtype: like.dtype, ...opts });
}

/** `value` everywhere, with `like`'s shape and (unless given) dtype. */
export function fullLike(like: Tensor, value: number | boolean, opts?: CreateOptions): Tensor {
  return full(like.shape, value, { dtype: like.dtype, ...opts });
}

/** Uninitialized (in practice zeroed) tensor with `like`'s shape and dtype. */
export function emptyLike(like: Tensor, opts?: CreateOptions): Tensor {
  return zerosLike(like, opts);
}

/** A 0-d tensor holding a JS scalar, in `dtype` (used to lift scalars into ops). */
export function scalarTensor(value: number | boolean, dtype: DType): Tensor {
  return full([], value, { dtype });
}

/** Throws unless `requiresGrad` may be set for `dtype` (used by random and range creators). */
export function checkGradDType(op: string, dtype: DType, opts?: CreateOptions): void {
  if (opts?.requiresGrad && !isFloat(dtype)) {
    throw new DTypeError(op, `only tensors of floating point dtype can require gradients, got ${dtype}`);
  }
}

export type { Shape };
