import { isGradEnabled } from '../../autograd/mode.js';
import { kernels } from '../../backend/index.js';
import type { UnaryOp } from '../../backend/types.js';
import { DTypeError } from '../../errors.js';
import { allocate, isFloat, type DType } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/** A gradient rule of an elementwise function: from `x`, `y = f(x)` and `dy`, return `dx`. */
type UnaryRule = { save: 'x' | 'y' | 'none'; grad: (dy: Tensor, s: Tensor) => Tensor };

const LN2 = Math.LN2;

/**
 * dy where y > 0, else 0: one fused kernel when no graph is being recorded (it passes dy where
 * y is NaN, as PyTorch does), the differentiable `dy [y > 0]` under createGraph.
 */
function reluGrad(dy: Tensor, y: Tensor): Tensor {
  if (isGradEnabled() || !isFloat(y.dtype) || dy.dtype !== y.dtype) return dy.mul(y.gt(0).to(dy.dtype));
  const dx = allocate(y.dtype, y.numel());
  kernels().reluBackward(y.strided(), dy.strided(), dx);
  return fromArray(dx, y.shape, y.dtype);
}
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const zero: UnaryRule = { save: 'none', grad: (dy) => dy.zerosLike() };

// One row per function: d f(x) written with tensor ops, so higher derivatives come for free.
// `null`: the output is bool and never carries a gradient.
const rules: { [K in UnaryOp]: UnaryRule | null } = {
  neg: { save: 'none', grad: (dy) => dy.neg() }, // d(-x) = -dx
  abs: { save: 'x', grad: (dy, x) => dy.mul(x.sign()) }, // d|x| = sign(x) dx
  sign: zero,
  exp: { save: 'y', grad: (dy, y) => dy.mul(y) }, // d e^x = e^x dx
  exp2: { save: 'y', grad: (dy, y) => dy.mul(y).mul(LN2) }, // d 2^x = 2^x ln2 dx
  log: { save: 'x', grad: (dy, x) => dy.div(x) }, // d ln x = dx / x
  log2: { save: 'x', grad: (dy, x) => dy.div(x.mul(LN2)) }, // d log2 x = dx / (x ln2)
  log1p: { save: 'x', grad: (dy, x) => dy.div(x.add(1)) }, // d ln(1+x) = dx / (1+x)
  expm1: { save: 'y', grad: (dy, y) => dy.mul(y.add(1)) }, // d (e^x - 1) = e^x dx
  sqrt: { save: 'y', grad: (dy, y) => dy.div(y.mul(2)) }, // d sqrt x = dx / (2 sqrt x)
  rsqrt: { save: 'y', grad: (dy, y) => dy.mul(y.pow(3)).mul(-0.5) }, // d x^-1/2 = -x^-3/2 / 2 dx
  square: { save: 'x', grad: (dy, x) => dy.mul(x.mul(2)) }, // d x^2 = 2x dx
  reciprocal: { save: 'y', grad: (dy, y) => dy.mul(y.mul(y)).neg() }, // d 1/x = -1/x^2 dx
  sin: { save: 'x', grad: (dy, x) => dy.mul(x.cos()) },
  cos: { save: 'x', grad: (dy, x) => dy.mul(x.sin()).neg() },
  tan: { save: 'y', grad: (dy, y) => dy.mul(y.mul(y).add(1)) }, // d tan x = (1 + tan^2 x) dx
  asin: { save: 'x', grad: (dy, x) => dy.mul(x.mul(x).neg().add(1).rsqrt()) }, // dx / sqrt(1 - x^2)
  acos: { save: 'x', grad: (dy, x) => dy.mul(x.mul(x).neg().add(1).rsqrt()).neg() },
  atan: { save: 'x', grad: (dy, x) => dy.div(x.mul(x).add(1)) }, // dx / (1 + x^2)
  sinh: { save: 'x', grad: (dy, x) => dy.mul(x.cosh()) },
  cosh: { save: 'x', grad: (dy, x) => dy.mul(x.sinh()) },
  tanh: { save: 'y', grad: (dy, y) => dy.mul(y.mul(y).neg().add(1)) }, // d tanh x = (1 - tanh^2 x) dx
  asinh: { save: 'x', grad: (dy, x) => dy.mul(x.mul(x).add(1).rsqrt()) }, // dx / sqrt(x^2 + 1)
  acosh: { save: 'x', grad: (dy, x) => dy.mul(x.mul(x).sub(1).rsqrt()) }, // dx / sqrt(x^2 - 1)
  atanh: { save: 'x', grad: (dy, x) => dy.div(x.mul(x).neg().add(1)) }, // dx / (1 - x^2)
  sigmoid: { save: 'y', grad: (dy, y) => dy.mul(y.mul(y.neg().add(1))) }, // d s(x) = s(1 - s) dx
  // d relu(x) = [x > 0] dx, so 0 at the kink as in PyTorch; y > 0 exactly where x > 0.
  relu: { save: 'y', grad: reluGrad },
  erf: { save: 'x', grad: (dy, x) => dy.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI)) }, // 2/sqrt(pi) e^-x^2 dx
  erfc: { save: 'x', grad: (dy, x) => dy.mul(x.mul(x).neg().exp().mul(-TWO_OVER_SQRT_PI)) },
  floor: zero,
  ceil: zero,
  round: zero,
  trunc: zero,
  logicalNot: null,
  isnan: null,
  isinf: null,
  isfinite: null,
};

// Functions that keep an integer input's dtype; every other numeric function computes in float.
const KEEPS_INT = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square', 'floor', 'ceil', 'round', 'trunc', 'relu']);

/** The dtype `op` returns for an input of dtype `d`. */
export function unaryResultType(op: UnaryOp, d: DType): DType {
  if (rules[op] === null) return 'bool';
  if (isFloat(d)) return d;
  return KEEPS_INT.has(op) ? (d === 'bool' ? 'int32' : d) : 'float32';
}

/** Applies the elementwise function `op` (a primitive; see the rule table above). */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  if (op === 'neg' && x.dtype === 'bool') {
    throw new DTypeError(
      'neg',
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use logicalNot() instead',
    );
  }
  const dtype = unaryResultType(op, x.dtype);
  const src = dtype !== 'bool' && dtype !== x.dtype ? x.to(dtype) : x;
  const out = allocate(dtype, x.numel());
  kernels()[op](src.strided(), out);
  const y = fromArray(out, x.shape, dtype);
  const rule = rules[op];
  if (rule === null) return y;
  const saved = rule.save === 'x' ? [src] : rule.save === 'y' ? [y] : [];
  return record(op, y, [src], (dy, s) => [rule.grad(dy, s[0])], saved);
}
