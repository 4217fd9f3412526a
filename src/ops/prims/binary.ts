import { kernels } from '../../backend/index.js';
import type { BinaryOp } from '../../backend/types.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { fromArray, type Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/** Gradient rule of a function of two same-shape operands: `[da, db]` from `a`, `b`, `y`, `dy`. */
type BinaryRule = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

// `null`: the output is bool (comparisons, logic) and never carries a gradient.
const rules: { [K in BinaryOp]: BinaryRule | null } = {
  add: (dy) => [dy, dy],
  sub: (dy, _a, _b, _y, n) => [dy, n[1] ? dy.neg() : null],
  mul: (dy, a, b, _y, n) => [n[0] ? dy.mul(b) : null, n[1] ? dy.mul(a) : null], // d(ab) = b da + a db
  div: (dy, a, b, _y, n) => [n[0] ? dy.div(b) : null, n[1] ? dy.mul(a).div(b.mul(b)).neg() : null],
  // d a^b = b a^(b-1) da + a^b ln(a) db; PyTorch's masks keep 0^0 and 0^b (b >= 0) finite.
  pow: (dy, a, b, y, n) => [
    n[0] ? dy.mul(b.mul(a.pow(b.sub(1))).maskedFill(b.eq(0), 0)) : null,
    n[1] ? dy.mul(y.mul(a.log()).maskedFill(a.eq(0).logicalAnd(b.ge(0)), 0)) : null,
  ],
  // PyTorch's rule: ties split the gradient evenly; only the strictly smaller operand gets
  // none, so a NaN on either side passes the whole gradient to both.
  maximum: (dy, a, b, _y, n) => {
    const g = dy.mul(0.5).where(a.eq(b), dy);
    return [n[0] ? g.maskedFill(a.lt(b), 0) : null, n[1] ? g.maskedFill(a.gt(b), 0) : null];
  },
  minimum: (dy, a, b, _y, n) => {
    const g = dy.mul(0.5).where(a.eq(b), dy);
    return [n[0] ? g.maskedFill(a.gt(b), 0) : null, n[1] ? g.maskedFill(a.lt(b), 0) : null];
  },
  // d atan2(a, b) = (b da - a db) / (a^2 + b^2)
  atan2: (dy, a, b, _y, n) => {
    const r = a.mul(a).add(b.mul(b));
    return [n[0] ? dy.mul(b).div(r) : null, n[1] ? dy.mul(a).neg().div(r) : null];
  },
  fmod: (dy, a, b, _y, n) => [dy, n[1] ? dy.mul(a.div(b).trunc()).neg() : null], // a - trunc(a/b) b
  remainder: (dy, a, b, _y, n) => [dy, n[1] ? dy.mul(a.div(b).floor()).neg() : null], // a - floor(a/b) b
  floorDivide: (dy) => [dy.zerosLike(), dy.zerosLike()],
  eq: null,
  ne: null,
  lt: null,
  le: null,
  gt: null,
  ge: null,
  logicalAnd: null,
  logicalOr: null,
  logicalXor: null,
};

// What each rule reads: add/sub need nothing, pow needs its output too, the rest a and b.
const SAVES_NOTHING = new Set<BinaryOp>(['add', 'sub', 'floorDivide']);

/** Whether `op` returns bool. */
export function isPredicate(op: BinaryOp): boolean {
  return rules[op] === null;
}

/**
 * Applies the elementwise function `op` to two operands that already have the same shape and
 * the computation dtype (the front end broadcasts and promotes; see `ops/elementwise.ts`).
 */
export function binary(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const rule = rules[op];
  const outType: DType = rule === null ? 'bool' : dtype;
  const out = allocate(outType, a.numel());
  kernels()[op](a.strided(), b.strided(), out);
  const y = fromArray(out, a.shape, outType);
  if (rule === null) return y;
  const saved = SAVES_NOTHING.has(op) ? [] : op === 'pow' ? [a, b, y] : [a, b];
  return record(op, y, [a, b], (dy, [sa, sb, sy], needs) => rule(dy, sa, sb, sy, needs), saved);
}
