import { DTypeError } from '../errors.js';
import { reclaim } from './reuse.js';

/** The element types a tensor can hold. `float32` is the default. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed arrays that back tensor storage, one per dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** All dtypes, in promotion order. */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** Allocates a zero-filled typed array for `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  return reclaim(dtype, length) ?? new CTORS[dtype](length);
}

/** Whether `d` is a floating-point dtype (the only ones that can carry gradients). */
export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

/** Whether `d` holds integers (bool counts: it promotes like an integer of width 1). */
export function isIntegral(d: DType): boolean {
  return d === 'int32' || d === 'bool';
}

/**
 * The dtype `tensor()` gives a typed array when no dtype is asked for: floats keep their width,
 * and every integer array becomes `int32` (nabla's only integer type; values that do not fit
 * are refused when copied). `undefined` for anything else (plain arrays, DataView).
 */
export function dtypeOfArray(a: unknown): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (
    a instanceof Int32Array ||
    a instanceof Int16Array ||
    a instanceof Int8Array ||
    a instanceof Uint32Array ||
    a instanceof Uint16Array ||
    a instanceof Uint8Array ||
    a instanceof Uint8ClampedArray ||
    a instanceof BigInt64Array ||
    a instanceof BigUint64Array
  ) {
    return 'int32';
  }
  return undefined;
}

/** Throws a `DTypeError` unless `d` is a known dtype name. */
export function checkDType(op: string, d: unknown): DType {
  if (d === 'float32' || d === 'float64' || d === 'int32' || d === 'bool') return d;
  throw new DTypeError(op, `expected dtype to be one of float32, float64, int32, bool, got ${String(d)}`);
}

/** The larger of two dtypes in the order bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/** An operand of dtype inference: a tensor-like (dtype and ndim) or a plain JS scalar. */
export type PromotionOperand = { dtype: DType; ndim: number } | number | boolean;

// c10's combine_categories: the higher-priority group wins unless the lower one belongs to a
// higher category (bool < integer < floating), in which case the two are promoted together.
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined || isFloat(higher)) return higher;
  if (higher === 'bool' || isFloat(lower)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * PyTorch's `result_type`: operands form three priority groups — tensors with dimensions, 0-d
 * tensors, and JS scalars — each promoted within itself; a lower-priority group only matters
 * when it is of a higher category (bool < integer < floating). A JS scalar stands for that
 * category's default dtype: `float32` for a fractional number, `int32` for an integer (JS has
 * no int/float literal distinction, so `Number.isInteger(v)` decides), `bool` for a boolean.
 * @example
 * nb.resultType(nb.tensor([1, 2], { dtype: 'int32' }), 2.5); // 'float32'
 * nb.resultType(nb.tensor([1, 2]), nb.tensor(1, { dtype: 'float64' })); // 'float32'
 */
export function resultType(...ops: PromotionOperand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let scalar: DType | undefined;
  for (const o of ops) {
    if (typeof o === 'boolean') scalar = scalar === undefined ? 'bool' : promoteTypes(scalar, 'bool');
    else if (typeof o === 'number') {
      const d: DType = Number.isInteger(o) ? 'int32' : 'float32';
      scalar = scalar === undefined ? d : promoteTypes(scalar, d);
    } else if (o.ndim > 0) dim = dim === undefined ? o.dtype : promoteTypes(dim, o.dtype);
    else zero = zero === undefined ? o.dtype : promoteTypes(zero, o.dtype);
  }
  return combine(dim, combine(zero, scalar)) ?? 'float32';
}

/** Machine limits of a floating-point dtype (PyTorch's `torch.finfo`). */
export interface FInfo {
  readonly dtype: DType;
  /** Number of bits of the type. */
  readonly bits: number;
  /** Difference between 1 and the next representable number. */
  readonly eps: number;
  /** Largest finite value. */
  readonly max: number;
  /** Smallest (most negative) finite value, `-max`. */
  readonly min: number;
  /** Smallest positive normal number. */
  readonly tiny: number;
  /** Same as `tiny` (PyTorch's newer name). */
  readonly smallestNormal: number;
  /** Approximate decimal resolution, `10 ** -floor(digits)`. */
  readonly resolution: number;
}

/** Limits of an integer dtype (PyTorch's `torch.iinfo`). */
export interface IInfo {
  readonly dtype: DType;
  readonly bits: number;
  readonly max: number;
  readonly min: number;
}

const FINFO: Record<'float32' | 'float64', FInfo> = {
  float32: {
    dtype: 'float32',
    bits: 32,
    eps: 2 ** -23,
    max: (2 - 2 ** -23) * 2 ** 127,
    min: -(2 - 2 ** -23) * 2 ** 127,
    tiny: 2 ** -126,
    smallestNormal: 2 ** -126,
    resolution: 1e-6,
  },
  float64: {
    dtype: 'float64',
    bits: 64,
    eps: Number.EPSILON,
    max: Number.MAX_VALUE,
    min: -Number.MAX_VALUE,
    tiny: 2 ** -1022,
    smallestNormal: 2 ** -1022,
    resolution: 1e-15,
  },
};

/**
 * Machine limits of a floating-point dtype: `eps`, `max`, `min`, `tiny`, ...
 * @example nb.finfo('float32').eps; // 1.1920928955078125e-7
 */
export function finfo(dtype: DType = 'float32'): FInfo {
  const d = checkDType('finfo', dtype);
  if (!isFloat(d)) throw new DTypeError('finfo', `expected a floating point dtype (use iinfo for integers), got ${d}`);
  return FINFO[d as 'float32' | 'float64'];
}

/**
 * Limits of an integer dtype: `max`, `min`, `bits`. `bool` is refused, as in PyTorch.
 * @example nb.iinfo('int32').max; // 2147483647
 */
export function iinfo(dtype: DType): IInfo {
  const d = checkDType('iinfo', dtype);
  if (d !== 'int32') throw new DTypeError('iinfo', `expected an integer dtype (use finfo for floats), got ${d}`);
  return { dtype: 'int32', bits: 32, max: 2147483647, min: -2147483648 };
}
