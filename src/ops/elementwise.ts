import type { UnaryOp } from '../backend/types.js';
import { DTypeError } from '../errors.js';
import { resultType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, binaryOp, checkTensor, type TensorOrScalar } from './operands.js';
import { unary } from './prims/unary.js';
import { wherePrim } from './prims/where.js';

export type { TensorOrScalar } from './operands.js';

function u(op: UnaryOp) {
  return (x: Tensor): Tensor => unary(op, checkTensor(op, x));
}

// ---- arithmetic -------------------------------------------------------------------------

/**
 * Elementwise `a + alpha * b`, with broadcasting and type promotion.
 * @example nb.add(nb.tensor([1, 2]), 1); // [2, 3]
 */
export function add(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const alpha = opts?.alpha ?? 1;
  return binaryOp('add', a, alpha === 1 ? b : binaryOp('mul', b, alpha));
}

/** Elementwise `a - alpha * b`. @example nb.sub(x, 1) */
export function sub(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const alpha = opts?.alpha ?? 1;
  return binaryOp('sub', a, alpha === 1 ? b : binaryOp('mul', b, alpha));
}

/** Elementwise product `a * b`. @example nb.mul(x, 2) */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('mul', a, b);
}

/**
 * Elementwise true division `a / b` (integers give float32), or with `roundingMode`
 * `'trunc'`/`'floor'` the rounded quotient.
 * @example nb.div(nb.tensor([1, 2]), 2); // [0.5, 1]
 */
export function div(a: TensorOrScalar, b: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
  const mode = opts?.roundingMode ?? null;
  if (mode === null) return binaryOp('div', a, b);
  if (mode === 'floor') return binaryOp('floorDivide', a, b);
  const q = binaryOp('div', a, b).trunc();
  const dt = resultType(a, b);
  return q.dtype === dt ? q : q.to(dt);
}

/** Elementwise power `a ** b` (tensor or scalar exponent). @example nb.pow(x, 2) */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('pow', a, b);
}

/** Elementwise maximum (NaN propagates). */
export function maximum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('maximum', a, b);
}

/** Elementwise minimum (NaN propagates). */
export function minimum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('minimum', a, b);
}

/** Elementwise `atan2(a, b)`, the angle of the point (b, a). */
export function atan2(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('atan2', a, b);
}

/** C-style remainder: the result has the sign of `a`. */
export function fmod(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('fmod', a, b);
}

/** Python-style remainder: the result has the sign of `b`. */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('remainder', a, b);
}

/** `floor(a / b)`. */
export function floorDivide(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('floorDivide', a, b);
}

// ---- comparisons and logic (bool results) ----------------------------------------------

/** Elementwise `a == b` (bool). */
export const eq = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('eq', a, b);
/** Elementwise `a != b` (bool). */
export const ne = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ne', a, b);
/** Elementwise `a < b` (bool). */
export const lt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('lt', a, b);
/** Elementwise `a <= b` (bool). */
export const le = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('le', a, b);
/** Elementwise `a > b` (bool). */
export const gt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('gt', a, b);
/** Elementwise `a >= b` (bool). */
export const ge = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ge', a, b);
/** Elementwise logical and (nonzero is true). */
export const logicalAnd = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('logicalAnd', a, b);
/** Elementwise logical or. */
export const logicalOr = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('logicalOr', a, b);
/** Elementwise logical exclusive or. */
export const logicalXor = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('logicalXor', a, b);

// ---- functions of one operand -----------------------------------------------------------

/** `-x`. */ export const neg = u('neg');
/** `|x|`. */ export const abs = u('abs');
/** -1, 0 or 1 by the sign of x. */ export const sign = u('sign');
/** e^x. */ export const exp = u('exp');
/** 2^x. */ export const exp2 = u('exp2');
/** Natural logarithm. */ export const log = u('log');
/** Base-2 logarithm. */ export const log2 = u('log2');
/** ln(1 + x), accurate for small x. */ export const log1p = u('log1p');
/** e^x - 1, accurate for small x. */ export const expm1 = u('expm1');
/** Square root. */ export const sqrt = u('sqrt');
/** 1 / sqrt(x). */ export const rsqrt = u('rsqrt');
/** x². */ export const square = u('square');
/** 1 / x. */ export const reciprocal = u('reciprocal');
/** Sine. */ export const sin = u('sin');
/** Cosine. */ export const cos = u('cos');
/** Tangent. */ export const tan = u('tan');
/** Arcsine. */ export const asin = u('asin');
/** Arccosine. */ export const acos = u('acos');
/** Arctangent. */ export const atan = u('atan');
/** Hyperbolic sine. */ export const sinh = u('sinh');
/** Hyperbolic cosine. */ export const cosh = u('cosh');
/** Hyperbolic tangent. */ export const tanh = u('tanh');
/** Inverse hyperbolic sine. */ export const asinh = u('asinh');
/** Inverse hyperbolic cosine. */ export const acosh = u('acosh');
/** Inverse hyperbolic tangent. */ export const atanh = u('atanh');
/** Logistic function 1 / (1 + e^-x). */ export const sigmoid = u('sigmoid');
/** Error function. */ export const erf = u('erf');
/** Complementary error function 1 - erf(x). */ export const erfc = u('erfc');
/** Round down. */ export const floor = u('floor');
/** Round up. */ export const ceil = u('ceil');
/** Round half to even, as PyTorch. */ export const round = u('round');
/** Round toward zero. */ export const trunc = u('trunc');
/** Logical not (bool). */ export const logicalNot = u('logicalNot');
/** Whether each element is NaN (bool). */ export const isnan = u('isnan');
/** Whether each element is +-Infinity (bool). */ export const isinf = u('isinf');
/** Whether each element is finite (bool). */ export const isfinite = u('isfinite');

// ---- selection ---------------------------------------------------------------------------

/**
 * `cond ? a : b` elementwise, broadcasting all three; `cond` must be bool.
 * @example nb.where(x.gt(0), x, 0) // relu
 */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkTensor('where', cond, 'condition');
  if (cond.dtype !== 'bool') throw new DTypeError('where', `expected condition to be a bool tensor, got ${cond.dtype}`);
  const dtype = resultType(a, b);
  const ta = asTensor(a, dtype);
  const tb = asTensor(b, dtype);
  const shape = broadcastShapes('where', cond.shape, ta.shape, tb.shape);
  return wherePrim(cond.expand(shape), ta.expand(shape), tb.expand(shape));
}

/**
 * Replaces elements where `mask` is true by `value` (mask broadcasts to x's shape).
 * @example scores.maskedFill(mask.logicalNot(), -Infinity)
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkTensor('maskedFill', mask, 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError('maskedFill', `expected mask to be a bool tensor, got ${mask.dtype}`);
  broadcastShapes('maskedFill', mask.shape, x.shape);
  const v = value instanceof Tensor ? value.to(x.dtype) : value;
  return where(mask.expand(x.shape), v, x).to(x.dtype);
}
