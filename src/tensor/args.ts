// Argument checking shared by the creation and random functions (internal: not re-exported).
import { DTypeError, ValueError } from '../errors.js';
import { allocate, checkDType, isFloat, type DType, type TypedArray } from './dtype.js';
import { checkShape } from './shape.js';
import type { Tensor } from './tensor.js';

/** Options accepted by every creation function. */
export interface CreateOptions {
  /** Element type; `float32` unless the input says otherwise. */
  dtype?: DType;
  /** Make the new tensor a leaf that records gradients (floating-point dtypes only). */
  requiresGrad?: boolean;
}

/** A shape argument: a list of sizes, or one size for a 1-D tensor. */
export type ShapeArg = number | readonly number[];

/** Normalizes a shape argument given as a list or a single size, refusing negative or fractional sizes. */
export function shapeArg(op: string, shape: ShapeArg): number[] {
  if (typeof shape === 'number') return checkShape(op, [shape]);
  if (!Array.isArray(shape)) {
    throw new ValueError(op, `expected a shape (an array of sizes or a number), got ${describe(shape)}`);
  }
  return checkShape(op, shape);
}

/** Throws unless `requiresGrad` may be set for `dtype`, naming the creating op. */
export function checkGradDType(op: string, dtype: DType, opts?: CreateOptions): void {
  if (opts?.requiresGrad && !isFloat(dtype)) {
    throw new DTypeError(
      op,
      `expected a floating point dtype for requiresGrad (only tensors of floating point dtype can require gradients), got ${dtype}`,
    );
  }
}

/** Resolves and checks the dtype and requiresGrad of a creation call. */
export function creationDType(op: string, opts: CreateOptions | undefined, fallback: DType): DType {
  const dtype = checkDType(op, opts?.dtype ?? fallback);
  checkGradDType(op, dtype, opts);
  return dtype;
}

/** Wraps freshly made data as a leaf, marking it as requiring grad when asked. */
export function finish(t: Tensor, opts: CreateOptions | undefined): Tensor {
  return opts?.requiresGrad ? t.requiresGrad_(true) : t;
}

/** A short description of a JS value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v === 'string' ? `string "${v}"` : typeof v;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Converts a JS value to an int32 element as PyTorch does (truncation toward zero), refusing
 * NaN, infinities and values out of range instead of wrapping around silently.
 */
export function toInt32(op: string, v: number | bigint, where = ''): number {
  if (typeof v === 'bigint') {
    if (v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)) return Number(v);
  } else {
    const t = Math.trunc(v);
    if (t >= INT32_MIN && t <= INT32_MAX) return t;
  }
  throw new ValueError(
    op,
    `expected values that fit in int32 (value cannot be converted to type int32 without overflow), got ${v}${where}`,
  );
}

/** Copies plain values into a new typed array of `dtype` (int32: truncated and range-checked). */
export function toTyped(op: string, values: ArrayLike<number | bigint>, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) out[i] = toInt32(op, values[i], ` at flat index ${i}`);
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]) !== 0 ? 1 : 0;
  } else if (ArrayBuffer.isView(values) && !(values instanceof BigInt64Array || values instanceof BigUint64Array)) {
    (out as Float32Array | Float64Array).set(values as ArrayLike<number>);
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}
