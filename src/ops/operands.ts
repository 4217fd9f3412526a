import type { BinaryOp } from '../backend/types.js';
import { DTypeError } from '../errors.js';
import { scalarTensor } from '../tensor/create.js';
import { isFloat, resultType, type DType } from '../tensor/dtype.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { binary } from './prims/binary.js';

/** A tensor or a JS scalar, as accepted by elementwise ops. */
export type TensorOrScalar = Tensor | number | boolean;

/** Lifts a scalar into a 0-d tensor of `dtype`; converts a tensor to `dtype`. */
export function asTensor(v: TensorOrScalar, dtype: DType): Tensor {
  if (v instanceof Tensor) return v.dtype === dtype ? v : v.to(dtype);
  return scalarTensor(v, dtype);
}

/** Checks an argument is a tensor, naming the op and what was passed otherwise. */
export function checkTensor(op: string, v: unknown, what = 'input'): Tensor {
  if (v instanceof Tensor) return v;
  throw new DTypeError(op, `expected ${what} to be a Tensor, got ${v === null ? 'null' : typeof v}`);
}

// Ops that always compute in floating point (true division, powers of ints are fine).
const FLOAT_RESULT = new Set<BinaryOp>(['div', 'atan2']);

/**
 * The front end of every two-operand elementwise op: PyTorch type promotion, scalar lifting,
 * explicit broadcasting (`expand`), then the primitive.
 */
export function binaryOp(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  // The usual call, two tensors of one dtype and shape: nothing to promote, lift or broadcast.
  if (
    a instanceof Tensor &&
    b instanceof Tensor &&
    a.dtype === b.dtype &&
    sameShape(a.shape, b.shape) &&
    (isFloat(a.dtype) || !FLOAT_RESULT.has(op))
  ) {
    return binary(op, a, b, a.dtype);
  }
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new DTypeError(op, `expected at least one Tensor operand, got ${typeof a} and ${typeof b}`);
  }
  for (const v of [a, b]) {
    if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new DTypeError(op, `expected a Tensor or a number, got ${v === null ? 'null' : typeof v}`);
    }
  }
  let dtype = resultType(a, b);
  if (FLOAT_RESULT.has(op) && !isFloat(dtype)) dtype = 'float32';
  let ta = asTensor(a, dtype);
  let tb = asTensor(b, dtype);
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  ta = ta.expand(shape);
  tb = tb.expand(shape);
  return binary(op, ta, tb, dtype);
}
