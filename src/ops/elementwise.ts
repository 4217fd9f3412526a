import type { UnaryOp } from '../backend/types.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { isFloat, isIntegral, resultType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, binaryOp, checkTensor, type TensorOrScalar } from './operands.js';
import { unary } from './prims/unary.js';
import { wherePrim } from './prims/where.js';

export type { TensorOrScalar } from './operands.js';

function u(op: UnaryOp) {
  return (x: Tensor): Tensor => unary(op, checkTensor(op, x));
}

// `alpha * b` for add/sub; a JS scalar is scaled in JS so it keeps its scalar promotion rank.
function scaled(b: TensorOrScalar, alpha: number): TensorOrScalar {
  if (alpha === 1) return b;
  return b instanceof Tensor ? binaryOp('mul', b, alpha) : Number(b) * alpha;
}

// ---- arithmetic -------------------------------------------------------------------------

/**
 * Elementwise `a + alpha * b`, with broadcasting and type promotion.
 * @example nb.add(nb.tensor([1, 2]), 1); // [2, 3]
 */
export function add(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  return binaryOp('add', a, scaled(b, opts?.alpha ?? 1));
}

/**
 * Elementwise `a - alpha * b`. Bool operands are refused, as in PyTorch (use `logicalXor` or
 * `logicalNot`).
 * @example nb.sub(nb.tensor([3, 4]), 1); // [2, 3]
 */
export function sub(a: TensorOrScalar, b: TensorOrScalar, opts?: { alpha?: number }): Tensor {
  const isBool = (v: TensorOrScalar) => typeof v === 'boolean' || (v instanceof Tensor && v.dtype === 'bool');
  if (isBool(a) && isBool(b) && a instanceof Tensor && b instanceof Tensor) {
    throw new DTypeError(
      'sub',
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use logicalXor() instead',
    );
  }
  if ((isBool(a) || isBool(b)) && (a instanceof Tensor || b instanceof Tensor)) {
    throw new DTypeError(
      'sub',
      'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use logicalNot() instead',
    );
  }
  return binaryOp('sub', a, scaled(b, opts?.alpha ?? 1));
}

/**
 * Elementwise product `a * b`.
 * @example nb.mul(nb.tensor([1, 2]), 3); // [3, 6]
 */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('mul', a, b);
}

/**
 * Elementwise true division `a / b` (integers give float32), or with `roundingMode`
 * `'trunc'` (toward zero) or `'floor'` (toward -infinity) the rounded quotient in the promoted
 * dtype. The rounded forms have a zero gradient, as in PyTorch.
 * @example nb.div(nb.tensor([1, 2]), 2); // [0.5, 1]
 * @example nb.div(nb.tensor([-7, 7]), 2, { roundingMode: 'floor' }); // [-4, 3]
 */
export function div(a: TensorOrScalar, b: TensorOrScalar, opts?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
  const mode = opts?.roundingMode ?? null;
  if (mode === null) return binaryOp('div', a, b);
  if (mode === 'floor') return binaryOp('floorDivide', a, b);
  if (mode !== 'trunc') {
    throw new ValueError('div', `expected roundingMode to be one of null, 'trunc' or 'floor', got '${String(mode)}'`);
  }
  const dt = resultType(a, b);
  if (isFloat(dt)) return binaryOp('div', a, b).trunc();
  // Integers divide in float64, which holds every int32 quotient closely enough to truncate
  // exactly (float32 would not: 16777217 / 1 rounds to 16777216).
  const f = (v: TensorOrScalar) => (v instanceof Tensor ? v.to('float64') : v);
  return binaryOp('div', f(a), f(b)).trunc().to(dt);
}

/**
 * Elementwise power `a ** b`: tensor or scalar exponent, or a scalar base (`nb.pow(2, x)`).
 * As in PyTorch, an integer tensor cannot take a negative integer scalar exponent.
 * @example nb.pow(nb.tensor([1, 2, 3]), 2); // [1, 4, 9]
 */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (a instanceof Tensor && isIntegral(a.dtype) && typeof b === 'number' && Number.isInteger(b) && b < 0) {
    throw new ValueError('pow', `Integers to negative integer powers are not allowed, got exponent ${b}`);
  }
  return binaryOp('pow', a, b);
}

/**
 * Elementwise maximum; NaN propagates, and a tie splits the gradient evenly.
 * @example nb.maximum(nb.tensor([1, 5]), nb.tensor([3, 2])); // [3, 5]
 */
export function maximum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('maximum', a, b);
}

/**
 * Elementwise minimum; NaN propagates, and a tie splits the gradient evenly.
 * @example nb.minimum(nb.tensor([1, 5]), nb.tensor([3, 2])); // [1, 2]
 */
export function minimum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('minimum', a, b);
}

/**
 * Elementwise `atan2(a, b)`, the angle of the point (b, a) in (-pi, pi].
 * @example nb.atan2(nb.tensor([1]), nb.tensor([-1])); // [2.3562]
 */
export function atan2(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('atan2', a, b);
}

/**
 * C-style remainder `a - trunc(a / b) * b`: the result has the sign of `a`.
 * @example nb.fmod(nb.tensor([-3, 3]), 2); // [-1, 1]
 */
export function fmod(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('fmod', a, b);
}

/**
 * Python-style remainder `a - floor(a / b) * b`: the result has the sign of `b`.
 * @example nb.remainder(nb.tensor([-3, 3]), 2); // [1, 1]
 */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('remainder', a, b);
}

/**
 * `floor(a / b)` computed like Python's `//` (exact even when `a / b` rounds up to an integer).
 * @example nb.floorDivide(nb.tensor([-7, 7]), 2); // [-4, 3]
 */
export function floorDivide(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binaryOp('floorDivide', a, b);
}

// ---- comparisons and logic (bool results) ----------------------------------------------

/** Elementwise `a == b` (bool). @example nb.eq(nb.tensor([1, 2]), 2); // [false, true] */
export const eq = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('eq', a, b);
/** Elementwise `a != b` (bool). @example nb.ne(nb.tensor([1, 2]), 2); // [true, false] */
export const ne = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ne', a, b);
/** Elementwise `a < b` (bool). @example nb.lt(nb.tensor([1, 2]), 2); // [true, false] */
export const lt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('lt', a, b);
/** Elementwise `a <= b` (bool). @example nb.le(nb.tensor([1, 3]), 2); // [true, false] */
export const le = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('le', a, b);
/** Elementwise `a > b` (bool). @example nb.gt(nb.tensor([1, 3]), 2); // [false, true] */
export const gt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('gt', a, b);
/** Elementwise `a >= b` (bool). @example nb.ge(nb.tensor([1, 2]), 2); // [false, true] */
export const ge = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ge', a, b);
/** Elementwise logical and; nonzero is true. @example nb.logicalAnd(x.gt(0), x.lt(1)) */
export const logicalAnd = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('logicalAnd', a, b);
/** Elementwise logical or; nonzero is true. @example nb.logicalOr(x.lt(0), x.gt(1)) */
export const logicalOr = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('logicalOr', a, b);
/** Elementwise logical exclusive or. @example nb.logicalXor(nb.tensor([true, true]), nb.tensor([true, false])) // [false, true] */
export const logicalXor = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('logicalXor', a, b);

// ---- functions of one operand -----------------------------------------------------------
// Integer inputs give float32, except neg, abs, sign, square and the roundings, which keep
// their dtype (see `unaryResultType`).

/** `-x` (not defined for bool: use `logicalNot`). @example nb.neg(nb.tensor([1, -2])) // [-1, 2] */
export const neg = u('neg');
/** `|x|`; its gradient at 0 is 0. @example nb.abs(nb.tensor([-1, 2])) // [1, 2] */
export const abs = u('abs');
/** -1, 0 or 1 by the sign of x (0 for NaN, as in PyTorch). @example nb.sign(nb.tensor([-3, 0, 2])) // [-1, 0, 1] */
export const sign = u('sign');
/** e^x. @example nb.exp(nb.tensor([0, 1])) // [1, 2.7183] */
export const exp = u('exp');
/** 2^x. @example nb.exp2(nb.tensor([3])) // [8] */
export const exp2 = u('exp2');
/** Natural logarithm ln x. @example nb.log(nb.tensor([1, Math.E])) // [0, 1] */
export const log = u('log');
/** Base-2 logarithm. @example nb.log2(nb.tensor([8])) // [3] */
export const log2 = u('log2');
/** ln(1 + x), accurate for small x. @example nb.log1p(nb.tensor([1e-10])) // [1e-10] */
export const log1p = u('log1p');
/** e^x - 1, accurate for small x. @example nb.expm1(nb.tensor([1e-10])) // [1e-10] */
export const expm1 = u('expm1');
/** Square root. @example nb.sqrt(nb.tensor([4, 9])) // [2, 3] */
export const sqrt = u('sqrt');
/** 1 / sqrt(x). @example nb.rsqrt(nb.tensor([4])) // [0.5] */
export const rsqrt = u('rsqrt');
/** x². @example nb.square(nb.tensor([-3])) // [9] */
export const square = u('square');
/** 1 / x. @example nb.reciprocal(nb.tensor([4])) // [0.25] */
export const reciprocal = u('reciprocal');
/** Sine (radians). @example nb.sin(nb.tensor([0])) // [0] */
export const sin = u('sin');
/** Cosine (radians). @example nb.cos(nb.tensor([0])) // [1] */
export const cos = u('cos');
/** Tangent (radians). @example nb.tan(nb.tensor([0])) // [0] */
export const tan = u('tan');
/** Arcsine, in [-pi/2, pi/2]. @example nb.asin(nb.tensor([1])) // [1.5708] */
export const asin = u('asin');
/** Arccosine, in [0, pi]. @example nb.acos(nb.tensor([1])) // [0] */
export const acos = u('acos');
/** Arctangent, in (-pi/2, pi/2). @example nb.atan(nb.tensor([1])) // [0.7854] */
export const atan = u('atan');
/** Hyperbolic sine (e^x - e^-x) / 2. @example nb.sinh(nb.tensor([0])) // [0] */
export const sinh = u('sinh');
/** Hyperbolic cosine (e^x + e^-x) / 2. @example nb.cosh(nb.tensor([0])) // [1] */
export const cosh = u('cosh');
/** Hyperbolic tangent. @example nb.tanh(nb.tensor([0])) // [0] */
export const tanh = u('tanh');
/** Inverse hyperbolic sine. @example nb.asinh(nb.tensor([0])) // [0] */
export const asinh = u('asinh');
/** Inverse hyperbolic cosine (x >= 1). @example nb.acosh(nb.tensor([1])) // [0] */
export const acosh = u('acosh');
/** Inverse hyperbolic tangent (|x| < 1). @example nb.atanh(nb.tensor([0])) // [0] */
export const atanh = u('atanh');
/** Logistic function 1 / (1 + e^-x), without overflow for any x. @example nb.sigmoid(nb.tensor([0])) // [0.5] */
export const sigmoid = u('sigmoid');
/** Error function 2/sqrt(pi) ∫_0^x e^(-t²) dt. @example nb.erf(nb.tensor([0])) // [0] */
export const erf = u('erf');
/** Complementary error function 1 - erf(x), accurate in the tail. @example nb.erfc(nb.tensor([0])) // [1] */
export const erfc = u('erfc');
/** Round toward -infinity (gradient 0). @example nb.floor(nb.tensor([-0.5, 1.5])) // [-1, 1] */
export const floor = u('floor');
/** Round toward +infinity (gradient 0). @example nb.ceil(nb.tensor([-0.5, 1.5])) // [-0, 2] */
export const ceil = u('ceil');
/** Round half to even, as PyTorch (gradient 0). @example nb.round(nb.tensor([0.5, 1.5, 2.5])) // [0, 2, 2] */
export const round = u('round');
/** Round toward zero (gradient 0). @example nb.trunc(nb.tensor([-1.5, 1.5])) // [-1, 1] */
export const trunc = u('trunc');
/** Logical not (bool); nonzero is true. @example nb.logicalNot(nb.tensor([0, 2])) // [true, false] */
export const logicalNot = u('logicalNot');
/** Whether each element is NaN (bool). @example nb.isnan(nb.tensor([NaN, 1])) // [true, false] */
export const isnan = u('isnan');
/** Whether each element is ±Infinity (bool). @example nb.isinf(nb.tensor([Infinity, 1])) // [true, false] */
export const isinf = u('isinf');
/** Whether each element is finite (bool). @example nb.isfinite(nb.tensor([NaN, 1])) // [false, true] */
export const isfinite = u('isfinite');

// ---- selection ---------------------------------------------------------------------------

function checkOperand(op: string, v: unknown, what: string): void {
  if (v instanceof Tensor || typeof v === 'number' || typeof v === 'boolean') return;
  throw new DTypeError(op, `expected ${what} to be a Tensor or a number, got ${v === null ? 'null' : typeof v}`);
}

/**
 * `cond ? a : b` elementwise, broadcasting all three; `cond` must be bool. The gradient flows to
 * the operand that was chosen.
 * @example nb.where(x.gt(0), x, 0) // relu
 */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkTensor('where', cond, 'condition');
  if (cond.dtype !== 'bool') throw new DTypeError('where', `expected condition to be a bool tensor, got ${cond.dtype}`);
  checkOperand('where', a, 'input');
  checkOperand('where', b, 'other');
  const dtype = resultType(a, b);
  const ta = asTensor(a, dtype);
  const tb = asTensor(b, dtype);
  const shape = broadcastShapes('where', cond.shape, ta.shape, tb.shape);
  return wherePrim(cond.expand(shape), ta.expand(shape), tb.expand(shape));
}

/**
 * Replaces the elements of `x` where `mask` is true by `value` (a number or a 0-d tensor, which
 * then receives the gradient of the replaced elements). `mask` broadcasts to x's shape.
 * @example scores.maskedFill(mask.logicalNot(), -Infinity)
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean | Tensor): Tensor {
  checkTensor('maskedFill', x);
  checkTensor('maskedFill', mask, 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError('maskedFill', `expected mask to be a bool tensor, got ${mask.dtype}`);
  checkOperand('maskedFill', value, 'value');
  if (value instanceof Tensor && value.ndim !== 0) {
    throw new ValueError(
      'maskedFill',
      `expected a 0-dimensional value tensor (masked_fill only supports one), got ${value.ndim} dimension(s)`,
    );
  }
  const shape = broadcastShapes('maskedFill', mask.shape, x.shape);
  if (shape.length !== x.ndim || shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(
      'maskedFill',
      `expected a mask that broadcasts to the input shape ${fmtShape(x.shape)}, got mask shape ${fmtShape(mask.shape)}`,
      [mask.shape, x.shape],
    );
  }
  const v = value instanceof Tensor ? value.to(x.dtype) : value;
  return where(mask.expand(x.shape), v, x).to(x.dtype);
}
