// Activation functions, all composites: their gradients come from the ops they are built of.
// Where PyTorch defines a gradient at a kink, the comparison that picks a branch is chosen so
// the kink lands on the side PyTorch uses (noted per function).
import { unary } from './prims/unary.js';
import { DTypeError, ValueError } from '../errors.js';
import { scalarTensor } from '../tensor/create.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { erfc, maximum, minimum, where } from './elementwise.js';
import { checkTensor } from './operands.js';

// Activations compute in floating point; integer and bool inputs become float32 (PyTorch
// refuses most of them; relu keeps integers, as PyTorch does).
function floatInput(op: string, x: Tensor): Tensor {
  checkTensor(op, x);
  return isFloat(x.dtype) ? x : x.to('float32');
}

// A parameter given positionally (`leakyRelu(x, 0.2)`) or by name (`leakyRelu(x, { negativeSlope: 0.2 })`).
function param<K extends string>(
  op: string,
  name: K,
  arg: number | Partial<Record<K, number>> | undefined,
  fallback: number,
): number {
  const v = typeof arg === 'object' && arg !== null ? arg[name] : arg;
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new DTypeError(op, `expected ${name} to be a number, got ${typeof v}`);
  return v;
}

/**
 * Rectified linear unit, `max(0, x)`; NaN passes through, and the gradient at 0 is 0, as in
 * PyTorch.
 * @example nb.relu(nb.tensor([-1, 0, 2])) // [0, 0, 2]
 */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', x);
  // A primitive rather than where(x <= 0, 0, x): it is the hottest activation, and the
  // composite ran at 0.06 GB/s against ~1 GB/s for one fused kernel (npm run bench, W6).
  return unary('relu', x);
}

/**
 * `min(max(x, minVal), maxVal)`. Unlike `clamp`, the gradient is 0 at the bounds themselves
 * (PyTorch's hardtanh).
 * @example nb.hardtanh(nb.tensor([-2, 0.5, 2])) // [-1, 0.5, 1]
 */
export function hardtanh(
  x: Tensor,
  minVal: number | { minVal?: number; maxVal?: number } = -1,
  maxVal?: number,
): Tensor {
  const t = floatInput('hardtanh', x);
  const lo = param('hardtanh', 'minVal', minVal, -1);
  const hi =
    typeof minVal === 'object' ? param('hardtanh', 'maxVal', minVal, 1) : param('hardtanh', 'maxVal', maxVal, 1);
  // F.hardtanh accepts crossed bounds silently and nn.Hardtanh asserts; a clear error is kinder.
  if (lo > hi) throw new ValueError('hardtanh', `expected minVal <= maxVal, got minVal ${lo} and maxVal ${hi}`);
  const c = (v: number) => scalarTensor(v, t.dtype);
  // Strictly inside passes x (and its gradient); NaN falls through to a constant NaN.
  const inside = t.gt(lo).logicalAnd(t.lt(hi));
  return where(inside, t, where(t.le(lo), c(lo), where(t.ge(hi), c(hi), c(NaN))));
}

/**
 * `min(max(0, x), 6)`; the gradient is 0 at 0 and at 6, as in PyTorch.
 * @example nb.relu6(nb.tensor([-1, 3, 8])) // [0, 3, 6]
 */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/**
 * `x` for x > 0, `negativeSlope * x` otherwise (so the gradient at 0 is `negativeSlope`).
 * @example nb.leakyRelu(nb.tensor([-10, 5]), 0.1) // [-1, 5]
 */
export function leakyRelu(x: Tensor, negativeSlope: number | { negativeSlope?: number } = 0.01): Tensor {
  const t = floatInput('leakyRelu', x);
  const slope = param('leakyRelu', 'negativeSlope', negativeSlope, 0.01);
  return where(t.gt(0), t, t.mul(slope));
}

// scale * (x for x > 0, alpha * (e^(inputScale x) - 1) otherwise): PyTorch's elu family.
// The exponential reads min(x, 0) through a `where`, so e^x never overflows in the unused
// branch (which would turn its zero gradient into NaN), and x = 0 takes the exponential side,
// where PyTorch's gradient is alpha * scale * inputScale.
function eluFamily(t: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const neg = t.le(0);
  let e = where(neg, t, 0);
  if (inputScale !== 1) e = e.mul(inputScale);
  const y = where(neg, e.expm1().mul(alpha), t);
  return scale === 1 ? y : y.mul(scale);
}

/**
 * Exponential linear unit: `x` for x > 0, `alpha * (e^x - 1)` otherwise.
 * @see https://arxiv.org/abs/1511.07289
 * @example nb.elu(nb.tensor([-1, 2])) // [-0.6321, 2]
 */
export function elu(x: Tensor, alpha: number | { alpha?: number } = 1): Tensor {
  return eluFamily(floatInput('elu', x), param('elu', 'alpha', alpha, 1), 1, 1);
}

// PyTorch's constants (1.6732632423543772848..., 1.0507009873554804934...) rounded to float64.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Scaled ELU, `scale * elu(x, alpha)` with the self-normalizing constants
 * alpha = 1.6733, scale = 1.0507.
 * @see https://arxiv.org/abs/1706.02515
 * @example nb.selu(nb.tensor([-1, 1])) // [-1.1113, 1.0507]
 */
export function selu(x: Tensor): Tensor {
  return eluFamily(floatInput('selu', x), SELU_ALPHA, SELU_SCALE, 1);
}

/**
 * Continuously differentiable ELU: `x` for x > 0, `alpha * (e^(x / alpha) - 1)` otherwise.
 * @see https://arxiv.org/abs/1704.07483
 * @example nb.celu(nb.tensor([-1, 2]), 2) // [-0.7869, 2]
 */
export function celu(x: Tensor, alpha: number | { alpha?: number } = 1): Tensor {
  const a = param('celu', 'alpha', alpha, 1);
  if (a === 0) throw new ValueError('celu', 'expected a nonzero alpha (alpha cannot be 0 for CELU), got 0');
  return eluFamily(floatInput('celu', x), a, 1, 1 / a);
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Gaussian error linear unit `x * Phi(x)` with Phi the standard normal CDF, exactly
 * (`approximate: 'none'`, computed as `x/2 * erfc(-x/sqrt(2))`, which stays accurate for very
 * negative x) or with the tanh approximation `x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
 * @see https://arxiv.org/abs/1606.08415
 * @example nb.gelu(nb.tensor([-1, 1])) // [-0.1587, 0.8413]
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const t = floatInput('gelu', x);
  const approximate = opts.approximate ?? 'none';
  if (approximate === 'tanh') {
    const inner = t.add(t.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
    return t.mul(0.5).mul(inner.tanh().add(1));
  }
  if (approximate !== 'none') {
    throw new ValueError('gelu', `expected approximate to be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  return t.mul(0.5).mul(erfc(t.mul(-SQRT1_2)));
}

/**
 * Sigmoid linear unit (swish), `x * sigmoid(x)`.
 * @see https://arxiv.org/abs/1702.03118
 * @example nb.silu(nb.tensor([0, 1])) // [0, 0.7311]
 */
export function silu(x: Tensor): Tensor {
  const t = floatInput('silu', x);
  return t.mul(t.sigmoid());
}

// ln(1 + e^z) as max(z, 0) + ln(1 + e^-|z|): e^-|z| <= 1 never overflows, and at z = 0 the tie
// in `maximum` splits the gradient, giving the right sigmoid(0) = 1/2 (abs contributes 0 there).
function softplusStable(z: Tensor): Tensor {
  return maximum(z, 0).add(z.abs().neg().exp().log1p());
}

/**
 * `ln(1 + e^(beta x)) / beta`, and `x` itself where `beta * x > threshold` (PyTorch's linear
 * region). Finite for any x.
 * @example nb.softplus(nb.tensor([0, 100])) // [0.6931, 100]
 */
export function softplus(
  x: Tensor,
  beta: number | { beta?: number; threshold?: number } = 1,
  threshold?: number,
): Tensor {
  const t = floatInput('softplus', x);
  const b = param('softplus', 'beta', beta, 1);
  const thr =
    typeof beta === 'object' ? param('softplus', 'threshold', beta, 20) : param('softplus', 'threshold', threshold, 20);
  const z = b === 1 ? t : t.mul(b);
  const s = softplusStable(z);
  return where(z.gt(thr), t, b === 1 ? s : s.div(b));
}

/**
 * `ln(sigmoid(x))`, computed as `min(x, 0) - ln(1 + e^-|x|)` so it neither overflows nor loses
 * the tail: logsigmoid(-1000) = -1000, logsigmoid(1000) = 0.
 * @example nb.logsigmoid(nb.tensor([0])) // [-0.6931]
 */
export function logsigmoid(x: Tensor): Tensor {
  const t = floatInput('logsigmoid', x);
  return minimum(t, 0).sub(t.abs().neg().exp().log1p());
}

/**
 * `x * tanh(softplus(x))`.
 * @see https://arxiv.org/abs/1908.08681
 * @example nb.mish(nb.tensor([1])) // [0.8651]
 */
export function mish(x: Tensor): Tensor {
  const t = floatInput('mish', x);
  return t.mul(softplusStable(t).tanh());
}

/**
 * `x / (1 + |x|)`.
 * @example nb.softsign(nb.tensor([-3, 1])) // [-0.75, 0.5]
 */
export function softsign(x: Tensor): Tensor {
  const t = floatInput('softsign', x);
  return t.div(t.abs().add(1));
}

/**
 * Piecewise-linear sigmoid `min(max(x + 3, 0), 6) / 6`; the gradient is 0 at x = ±3, as in
 * PyTorch.
 * @example nb.hardsigmoid(nb.tensor([-4, 0, 4])) // [0, 0.5, 1]
 */
export function hardsigmoid(x: Tensor): Tensor {
  const t = floatInput('hardsigmoid', x);
  return hardtanh(t.add(3), 0, 6).div(6);
}

/**
 * `x * min(max(x + 3, 0), 6) / 6`. PyTorch's gradient takes the quadratic piece's slope at both
 * ends, x = -3 (-0.5) and x = 3 (1.5), so the branches are split there.
 * @see https://arxiv.org/abs/1905.02244
 * @example nb.hardswish(nb.tensor([-4, 1, 4])) // [0, 0.6667, 4]
 */
export function hardswish(x: Tensor): Tensor {
  const t = floatInput('hardswish', x);
  // x * 0 rather than 0 below -3: the same -0 and NaN (at -Infinity) as PyTorch's product.
  return where(t.lt(-3), t.mul(0), where(t.le(3), t.mul(t.add(3)).div(6), t));
}
