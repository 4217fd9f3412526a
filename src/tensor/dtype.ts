import { DTypeError } from '../errors.js';

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
  return new CTORS[dtype](length);
}

/** Whether `d` is a floating-point dtype (the only ones that can carry gradients). */
export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

/** Whether `d` holds integers (bool counts: it promotes like an integer of width 1). */
export function isIntegral(d: DType): boolean {
  return d === 'int32' || d === 'bool';
}

/** The dtype that a typed array stores natively. */
export function dtypeOfArray(a: ArrayLike<number>): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return undefined;
}

/** Throws a `DTypeError` unless `d` is a known dtype name. */
export function checkDType(op: string, d: unknown): DType {
  if (d === 'float32' || d === 'float64' || d === 'int32' || d === 'bool') return d;
  throw new DTypeError(op, `expected dtype to be one of float32, float64, int32, bool, got ${String(d)}`);
}

// 0 bool, 1 integer, 2 floating: PyTorch's categories for promotion.
function category(d: DType): number {
  return d === 'bool' ? 0 : d === 'int32' ? 1 : 2;
}

/** The larger of two dtypes in the order bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/** An operand of dtype inference: a tensor-like (dtype and ndim) or a plain JS scalar. */
export type PromotionOperand = { dtype: DType; ndim: number } | number | boolean;

/**
 * PyTorch's `result_type`: dimensioned tensors decide within a category; a 0-d tensor of a
 * higher category lifts the result to its own dtype; a JS scalar of a higher category lifts it to
 * that category's default (`float32` for fractional numbers, `int32` for integers).
 * JS has no int/float literal distinction, so a number counts as an integer when
 * `Number.isInteger(v)` holds.
 */
export function resultType(...ops: PromotionOperand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let scalarCat = -1;
  for (const o of ops) {
    if (typeof o === 'boolean') scalarCat = Math.max(scalarCat, 0);
    else if (typeof o === 'number') scalarCat = Math.max(scalarCat, Number.isInteger(o) ? 1 : 2);
    else if (o.ndim > 0) dim = dim === undefined ? o.dtype : promoteTypes(dim, o.dtype);
    else zero = zero === undefined ? o.dtype : promoteTypes(zero, o.dtype);
  }
  let out: DType | undefined = dim;
  if (zero !== undefined && (out === undefined || category(zero) > category(out))) {
    out = out === undefined ? zero : zero;
  }
  if (scalarCat >= 0 && (out === undefined || scalarCat > category(out))) {
    out = (['bool', 'int32', 'float32'] as const)[scalarCat];
  }
  return out ?? 'float32';
}
